package net.dta.deployment;

import java.time.Duration;

import net.dta.common.config.HostPort;
import net.dta.common.security.ServerSecurity;

/**
 * The {@code controller} section: how the switch controller behaves (docs/deployment.md).
 *
 * @param admin null when the admin endpoint is disabled
 * @param rpcDeadline deadline of every unary P4Runtime RPC
 * @param cmTimeout wait for a REP (and for each READ) before resending
 * @param cmRetries resends of a REQ after the first (protocol.md 7.2: 4)
 * @param minBackoff, maxBackoff reconnect back-off (doubling) for switches and queue pairs
 * @param pollInterval how often counters and {@code dta_qp_up} are read
 * @param cmSecret the deployment's RDMA CM secret ({@code controller.cm-secret-file}) that signs every REQ
 *                 and checks every REP (protocol.md 7.2); null when the file names none (readers of the
 *                 deployment other than the controller need none)
 */
public record ControllerSettings(HostPort admin, Duration rpcDeadline, Duration cmTimeout, int cmRetries,
                                 Duration minBackoff, Duration maxBackoff, Duration pollInterval, ServerSecurity adminSecurity,
                                 byte[] cmSecret) {
    public ControllerSettings(HostPort admin, Duration rpcDeadline, Duration cmTimeout, int cmRetries, Duration minBackoff,
                              Duration maxBackoff, Duration pollInterval) {
        this(admin, rpcDeadline, cmTimeout, cmRetries, minBackoff, maxBackoff, pollInterval, ServerSecurity.NONE, null);
    }

    public ControllerSettings {
        cmSecret = cmSecret == null ? null : cmSecret.clone();
    }

    @Override
    public byte[] cmSecret() {
        return cmSecret == null ? null : cmSecret.clone();
    }

    public ControllerSettings withCmSecret(byte[] secret) {
        return new ControllerSettings(admin, rpcDeadline, cmTimeout, cmRetries, minBackoff, maxBackoff, pollInterval, adminSecurity,
                secret);
    }

    public static final int DEFAULT_ADMIN_PORT = 40044;

    public static ControllerSettings defaults() {
        return new ControllerSettings(new HostPort("127.0.0.1", DEFAULT_ADMIN_PORT), Duration.ofSeconds(5),
                Duration.ofMillis(500), 4, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    public ControllerSettings withAdmin(HostPort a) {
        return new ControllerSettings(a, rpcDeadline, cmTimeout, cmRetries, minBackoff, maxBackoff, pollInterval, adminSecurity,
                cmSecret);
    }
}
