package net.dta.deployment;

import java.time.Duration;

import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.security.ServerSecurity;
import net.dta.protocol.auth.CmSecret;

/** The {@code controller} section: admin endpoint, RPC deadline, RDMA CM, reconnect back-off, polling. */
final class ControllerBinder {
    private final Binding binding;

    ControllerBinder(Binding binding) {
        this.binding = binding;
    }

    ControllerSettings bind(Fields f) {
        ControllerSettings d = ControllerSettings.defaults();
        Fields admin = f.section("admin");
        boolean enabled = admin.bool("enabled", true);
        HostPort adminAt = Binding.endpoint(admin, "address", d.admin());
        ServerSecurity adminSecurity = ServerSecurity.read(admin, binding.baseDir());
        admin.rejectUnknown("controller.admin");
        Duration deadline = f.duration("rpc-deadline", d.rpcDeadline(), Duration.ofMillis(100), Duration.ofMinutes(10));
        Fields cm = f.section("cm");
        Duration cmTimeout = cm.duration("timeout", d.cmTimeout(), Duration.ofMillis(10), Duration.ofMinutes(1));
        int retries = cm.integer("retries", d.cmRetries(), 0, 100);
        byte[] secret = secret(cm);
        cm.rejectUnknown("controller.cm");
        Fields reconnect = f.section("reconnect");
        Duration min = reconnect.duration("min-backoff", d.minBackoff(), Duration.ofMillis(10), Duration.ofHours(1));
        Duration max = reconnect.duration("max-backoff", d.maxBackoff(), Duration.ofMillis(10), Duration.ofHours(1));
        if (max.compareTo(min) < 0) {
            reconnect.problem("max-backoff", "must be at least min-backoff (" + min.toMillis() + "ms), got " + max.toMillis() + "ms");
        }
        reconnect.rejectUnknown("controller.reconnect");
        Duration poll = f.duration("poll-interval", d.pollInterval(), Duration.ofMillis(50), Duration.ofHours(1));
        f.rejectUnknown("controller");
        return new ControllerSettings(enabled ? adminAt : null, deadline, cmTimeout, retries, min, max, poll, adminSecurity, secret);
    }

    /**
     * The deployment's CM secret: only the controller needs it (it refuses to connect without);
     * the query service and the CLI read this file too and need none.
     */
    private byte[] secret(Fields cm) {
        if (!cm.has("secret-file")) {
            return null;
        }
        String file = cm.string("secret-file", "", "a file path");
        try {
            return CmSecret.load(binding.baseDir().resolve(file).normalize(), cm.field("secret-file"));
        } catch (IllegalArgumentException e) {
            cm.problem("secret-file", e.getMessage().substring(e.getMessage().indexOf(':') + 2));
            return null;
        }
    }
}
