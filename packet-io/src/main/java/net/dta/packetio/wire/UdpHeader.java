package net.dta.packetio.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over a UDP header.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UdpHeader {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int LENGTH = 8;
    /** IANA port of RoCEv2. */
    public static final int ROCE_PORT = 4791;

    private MemorySegment segment;
    private long offset;

    public UdpHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int sourcePort() {
        return Bytes.u16(segment, offset + SOURCE_PORT_OFFSET);
    }

    public UdpHeader sourcePort(int value) {
        Bytes.u16(segment, offset + SOURCE_PORT_OFFSET, value);
        return this;
    }

    public int destinationPort() {
        return Bytes.u16(segment, offset + DESTINATION_PORT_OFFSET);
    }

    public UdpHeader destinationPort(int value) {
        Bytes.u16(segment, offset + DESTINATION_PORT_OFFSET, value);
        return this;
    }

    /** UDP length: header plus payload. */
    public int length() {
        return Bytes.u16(segment, offset + LENGTH_OFFSET);
    }

    public UdpHeader length(int value) {
        Bytes.u16(segment, offset + LENGTH_OFFSET, value);
        return this;
    }

    public int checksum() {
        return Bytes.u16(segment, offset + CHECKSUM_OFFSET);
    }

    public UdpHeader checksum(int value) {
        Bytes.u16(segment, offset + CHECKSUM_OFFSET, value);
        return this;
    }
}
