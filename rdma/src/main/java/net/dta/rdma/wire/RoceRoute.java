package net.dta.rdma.wire;

/**
 * Addressing of one direction of a queue pair: what goes in the Ethernet, IPv4 and UDP headers.
 * Built once per queue pair on the control path; the frame writer reads it per packet.
 *
 * @param sourceMac      low 48 bits
 * @param destinationMac low 48 bits
 * @param sourceIp       IPv4 address, network order in an int (10.0.0.1 = 0x0A000001)
 * @param destinationIp  IPv4 address
 * @param sourcePort     UDP source port: {@code 0xC000 | (QPN & 0x3FFF)} (protocol.md 5.1), or the
 *                       bound port of a UDP-mode socket, which cannot choose it per packet
 */
public record RoceRoute(long sourceMac, long destinationMac, int sourceIp, int destinationIp, int sourcePort) {
    /** The UDP source port of a queue pair (protocol.md 5.1): constant per QP, so ECMP keeps order. */
    public static int sourcePortOf(int qpn) {
        return 0xC000 | (qpn & 0x3FFF);
    }

    /** A route whose UDP source port follows protocol.md 5.1 for the sending queue pair. */
    public static RoceRoute forQueuePair(long sourceMac, long destinationMac, int sourceIp, int destinationIp,
                                         int sendingQpn) {
        return new RoceRoute(sourceMac, destinationMac, sourceIp, destinationIp, sourcePortOf(sendingQpn));
    }

    public RoceRoute withSourcePort(int port) {
        return new RoceRoute(sourceMac, destinationMac, sourceIp, destinationIp, port);
    }
}
