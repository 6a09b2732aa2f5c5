package net.dta.rdma.endpoint;

import java.net.InetAddress;

/**
 * A CM REQ as the collector sees it.
 *
 * @param privateData the consumer private data after the IP CM header (56 bytes)
 */
public record ConnectRequest(InetAddress remoteAddress, int remoteQpn, int startPsn, long serviceId, long remoteCaGuid,
                             byte[] privateData) {
}
