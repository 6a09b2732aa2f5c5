package net.dta.rdma.endpoint;

/**
 * What must survive a restart for a queue pair to go on (software backend only).
 *
 * @param remoteAddress IPv4 address of the requester, as 4 bytes
 */
public record QueuePairState(int qpn, byte[] remoteAddress, int remoteQpn, int expectedPsn, int msn, int mtu,
                             long localCommId, long remoteCommId) {
}
