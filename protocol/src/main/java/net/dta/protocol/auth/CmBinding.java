package net.dta.protocol.auth;

/**
 * The fields of an RDMA CM REQ that its MAC binds (protocol.md 7.2, "DTA REQ data"): what a
 * collector, software or rdma_cm listener, sees of every REQ. A MAC made for one requester address,
 * port or queue pair, or for another collector, is not valid for any other.
 *
 * @param requesterIp   IPv4 address the queue pair's replies go to (network-order int)
 * @param requesterPort the IP CM header's source port
 * @param collectorIp   the collector's IPv4 address
 * @param cmPort        the collector's CM port (the service id's low 16 bits)
 * @param requesterQpn  the REQ's local QPN (24 bits)
 */
public record CmBinding(int requesterIp, int requesterPort, int collectorIp, int cmPort, int requesterQpn) {
}
