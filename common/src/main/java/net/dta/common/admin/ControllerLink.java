package net.dta.common.admin;

import java.nio.file.Path;

import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.security.ClientSecurity;

/**
 * Where a collector or translator announces itself when it starts (the switch controller's admin
 * endpoint, {@code POST /announce}), and the credentials it presents there: the same TLS and
 * bearer-token rules as every admin client (docs/security.md).
 *
 * @param admin the controller's {@code controller.admin.address} as host:port
 */
public record ControllerLink(String admin, ClientSecurity security) {
    /**
     * The {@code controller} section of a component's file: {@code admin} (host:port), optional
     * {@code tls-ca}, {@code tls-certificate}, {@code tls-private-key}, {@code token-file}. Null when
     * the section or its {@code admin} is absent (the controller's back-off polling finds the
     * component then).
     */
    public static ControllerLink read(Fields f, Path baseDir) {
        if (!f.has("admin")) {
            ClientSecurity.read(f, baseDir); // still checks the other fields
            f.rejectUnknown("controller");
            return null;
        }
        HostPort admin = f.hostPort("admin", "127.0.0.1:40044");
        ClientSecurity security = ClientSecurity.read(f, baseDir);
        f.rejectUnknown("controller");
        return new ControllerLink(admin.host() + ":" + admin.port(), security);
    }
}
