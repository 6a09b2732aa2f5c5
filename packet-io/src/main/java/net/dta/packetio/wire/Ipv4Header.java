package net.dta.packetio.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over an IPv4 header without options (RoCEv2 as used here never has options).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |      TOS      |          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|     Fragment Offset     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      TTL      |   Protocol    |        Header Checksum        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Source Address                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Destination Address                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Addresses are ints holding the four bytes in network order (10.0.0.1 = 0x0A000001).
 */
public final class Ipv4Header {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int LENGTH = 20;

    public static final int VERSION_IHL_NO_OPTIONS = 0x45;
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    public static final int PROTOCOL_UDP = 17;
    public static final int DEFAULT_TTL = 64;

    private MemorySegment segment;
    private long offset;

    public Ipv4Header wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int versionIhl() {
        return Bytes.u8(segment, offset + VERSION_IHL_OFFSET);
    }

    public Ipv4Header versionIhl(int value) {
        Bytes.u8(segment, offset + VERSION_IHL_OFFSET, value);
        return this;
    }

    /** Header length in bytes (IHL × 4). */
    public int headerLength() {
        return (versionIhl() & 0x0F) * 4;
    }

    public int tos() {
        return Bytes.u8(segment, offset + TOS_OFFSET);
    }

    public Ipv4Header tos(int value) {
        Bytes.u8(segment, offset + TOS_OFFSET, value);
        return this;
    }

    public int totalLength() {
        return Bytes.u16(segment, offset + TOTAL_LENGTH_OFFSET);
    }

    public Ipv4Header totalLength(int value) {
        Bytes.u16(segment, offset + TOTAL_LENGTH_OFFSET, value);
        return this;
    }

    public int identification() {
        return Bytes.u16(segment, offset + IDENTIFICATION_OFFSET);
    }

    public Ipv4Header identification(int value) {
        Bytes.u16(segment, offset + IDENTIFICATION_OFFSET, value);
        return this;
    }

    /** Flags (top 3 bits) and fragment offset, as one 16-bit word. */
    public int flagsFragment() {
        return Bytes.u16(segment, offset + FLAGS_FRAGMENT_OFFSET);
    }

    public Ipv4Header flagsFragment(int value) {
        Bytes.u16(segment, offset + FLAGS_FRAGMENT_OFFSET, value);
        return this;
    }

    public int ttl() {
        return Bytes.u8(segment, offset + TTL_OFFSET);
    }

    public Ipv4Header ttl(int value) {
        Bytes.u8(segment, offset + TTL_OFFSET, value);
        return this;
    }

    public int protocol() {
        return Bytes.u8(segment, offset + PROTOCOL_OFFSET);
    }

    public Ipv4Header protocol(int value) {
        Bytes.u8(segment, offset + PROTOCOL_OFFSET, value);
        return this;
    }

    public int checksum() {
        return Bytes.u16(segment, offset + CHECKSUM_OFFSET);
    }

    public Ipv4Header checksum(int value) {
        Bytes.u16(segment, offset + CHECKSUM_OFFSET, value);
        return this;
    }

    public int source() {
        return (int) Bytes.u32(segment, offset + SOURCE_OFFSET);
    }

    public Ipv4Header source(int address) {
        Bytes.u32(segment, offset + SOURCE_OFFSET, address & 0xFFFF_FFFFL);
        return this;
    }

    public int destination() {
        return (int) Bytes.u32(segment, offset + DESTINATION_OFFSET);
    }

    public Ipv4Header destination(int address) {
        Bytes.u32(segment, offset + DESTINATION_OFFSET, address & 0xFFFF_FFFFL);
        return this;
    }

    /** Computes the header checksum over the 20 bytes (checksum field taken as zero) and stores it. */
    public Ipv4Header updateChecksum() {
        checksum(0);
        checksum(computeChecksum(segment, offset));
        return this;
    }

    /** Whether the stored checksum is right (the one's complement sum over the header is 0xFFFF). */
    public boolean checksumValid() {
        return sum(segment, offset) == 0xFFFF;
    }

    static int computeChecksum(MemorySegment s, long off) {
        return ~sum(s, off) & 0xFFFF;
    }

    private static int sum(MemorySegment s, long off) {
        int sum = 0;
        for (int i = 0; i < LENGTH; i += 2) {
            sum += Bytes.u16(s, off + i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }
}
