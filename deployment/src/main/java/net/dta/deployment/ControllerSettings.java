package net.dta.deployment;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

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

    /** By content: a record compares arrays by reference, so a reloaded, unchanged file looked changed. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ControllerSettings c && Objects.equals(admin, c.admin) && Objects.equals(rpcDeadline, c.rpcDeadline)
                && Objects.equals(cmTimeout, c.cmTimeout) && cmRetries == c.cmRetries && Objects.equals(minBackoff, c.minBackoff)
                && Objects.equals(maxBackoff, c.maxBackoff) && Objects.equals(pollInterval, c.pollInterval)
                && Objects.equals(adminSecurity, c.adminSecurity) && Arrays.equals(cmSecret, c.cmSecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(admin, rpcDeadline, cmTimeout, cmRetries, minBackoff, maxBackoff, pollInterval, adminSecurity)
                * 31 + Arrays.hashCode(cmSecret);
    }

    /** The secret's bytes never appear in logs or status. */
    @Override
    public String toString() {
        return "ControllerSettings[admin=" + admin + ", rpcDeadline=" + rpcDeadline + ", cmTimeout=" + cmTimeout + ", cmRetries="
                + cmRetries + ", minBackoff=" + minBackoff + ", maxBackoff=" + maxBackoff + ", pollInterval=" + pollInterval
                + ", adminSecurity=" + adminSecurity + ", cmSecret=" + (cmSecret == null ? "none" : "set") + "]";
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
