package net.dta.rdma.disni;

import java.net.InetAddress;

import net.dta.rdma.cm.ServiceId;

/**
 * Settings of the DiSNI backend.
 *
 * @param localAddress the IPv4 address of the RDMA device's port to listen on
 * @param cmPort       the RDMA CM port (IP CM service id, protocol.md 7.2)
 * @param backlog      pending connection requests
 */
public record DisniConfig(InetAddress localAddress, int cmPort, int backlog) {
    public static DisniConfig of(InetAddress localAddress) {
        return new DisniConfig(localAddress, ServiceId.DEFAULT_CM_PORT, 64);
    }
}
