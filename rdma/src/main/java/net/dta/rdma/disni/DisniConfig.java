package net.dta.rdma.disni;

import java.net.InetAddress;

import net.dta.rdma.cm.CmPolicy;
import net.dta.rdma.cm.ServiceId;

/**
 * Settings of the DiSNI backend.
 *
 * @param localAddress the IPv4 address of the RDMA device's port to listen on
 * @param cmPort       the RDMA CM port (IP CM service id, protocol.md 7.2)
 * @param backlog      pending connection requests
 * @param cmPolicy     the deployment's CM secret and the connection limits: the listener checks every
 *                     REQ's MAC before it creates a queue pair (protocol.md 7.3)
 */
public record DisniConfig(InetAddress localAddress, int cmPort, int backlog, CmPolicy cmPolicy) {
    public DisniConfig {
        if (cmPolicy == null) {
            throw new IllegalArgumentException("a CM policy (the deployment's secret) is required");
        }
    }

    public static DisniConfig of(InetAddress localAddress, CmPolicy cmPolicy) {
        return new DisniConfig(localAddress, ServiceId.DEFAULT_CM_PORT, 64, cmPolicy);
    }
}
