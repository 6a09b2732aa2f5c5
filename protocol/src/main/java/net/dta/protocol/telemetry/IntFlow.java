package net.dta.protocol.telemetry;

/**
 * The inner packet of a telemetry report as {@link IntReportWriter} writes it: an IPv4 5-tuple, the
 * TTL seen by the reporting switch, and the payload bytes after the transport header (which set the
 * IPv4 total length). Mutable and reused, so that a load generator allocates nothing per report.
 */
public final class IntFlow {
    public static final int TCP = 6;
    public static final int UDP = 17;

    public int srcIp;
    public int dstIp;
    public int srcPort;
    public int dstPort;
    public int protocol = TCP;
    public int ttl = 64;
    public int payloadBytes;

    public IntFlow set(int srcIp, int dstIp, int srcPort, int dstPort, int protocol) {
        this.srcIp = srcIp;
        this.dstIp = dstIp;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.protocol = protocol;
        return this;
    }

    /** The transport header's length in the truncated packet: 20 for TCP, 8 for UDP (and anything else). */
    public int l4HeaderBytes() {
        return protocol == TCP ? 20 : 8;
    }

    /** The canonical DTA flow key (protocol.md 2.2): src ip, dst ip, src port, dst port, protocol, 3 zero bytes. */
    public byte[] key() {
        byte[] k = new byte[16];
        k[0] = (byte) (srcIp >>> 24);
        k[1] = (byte) (srcIp >>> 16);
        k[2] = (byte) (srcIp >>> 8);
        k[3] = (byte) srcIp;
        k[4] = (byte) (dstIp >>> 24);
        k[5] = (byte) (dstIp >>> 16);
        k[6] = (byte) (dstIp >>> 8);
        k[7] = (byte) dstIp;
        k[8] = (byte) (srcPort >>> 8);
        k[9] = (byte) srcPort;
        k[10] = (byte) (dstPort >>> 8);
        k[11] = (byte) dstPort;
        k[12] = (byte) protocol;
        return k;
    }
}
