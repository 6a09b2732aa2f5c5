package net.dta.rdma.cm;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the IP CM header that starts a REQ's private data (36 bytes, protocol.md 7.2;
 * IBTA Annex A11): version, IP version nibble, source port, source and destination IP (IPv4 in
 * the last 4 of 16 bytes).
 *
 * <pre>
 *  0      version | IP version (4) reserved (4) | source port (16)
 *  4      source IP (128)
 *  20     destination IP (128)
 * </pre>
 */
public final class IpCmHeader {
    public static final int VERSION_OFFSET = 0;
    public static final int IP_VERSION_OFFSET = 1;
    public static final int SOURCE_PORT_OFFSET = 2;
    public static final int SOURCE_IP_OFFSET = 4;
    public static final int DESTINATION_IP_OFFSET = 20;
    public static final int LENGTH = 36;
    public static final int IP_VERSION_4 = 4;

    private MemorySegment segment;
    private long offset;

    public IpCmHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int version() {
        return Bytes.u8(segment, offset + VERSION_OFFSET);
    }

    public IpCmHeader version(int v) {
        Bytes.u8(segment, offset + VERSION_OFFSET, v);
        return this;
    }

    public int ipVersion() {
        return Bytes.u8(segment, offset + IP_VERSION_OFFSET) >>> 4;
    }

    public IpCmHeader ipVersion(int v) {
        Bytes.u8(segment, offset + IP_VERSION_OFFSET, v << 4);
        return this;
    }

    public int sourcePort() {
        return Bytes.u16(segment, offset + SOURCE_PORT_OFFSET);
    }

    public IpCmHeader sourcePort(int v) {
        Bytes.u16(segment, offset + SOURCE_PORT_OFFSET, v);
        return this;
    }

    /** The IPv4 source address (last 4 bytes of the 16). */
    public int sourceIpv4() {
        return (int) Bytes.u32(segment, offset + SOURCE_IP_OFFSET + 12);
    }

    /** Writes an IPv4 source address as 12 zero bytes then the address. */
    public IpCmHeader sourceIpv4(int address) {
        segment.asSlice(offset + SOURCE_IP_OFFSET, 12).fill((byte) 0);
        Bytes.u32(segment, offset + SOURCE_IP_OFFSET + 12, address & 0xFFFF_FFFFL);
        return this;
    }

    public int destinationIpv4() {
        return (int) Bytes.u32(segment, offset + DESTINATION_IP_OFFSET + 12);
    }

    public IpCmHeader destinationIpv4(int address) {
        segment.asSlice(offset + DESTINATION_IP_OFFSET, 12).fill((byte) 0);
        Bytes.u32(segment, offset + DESTINATION_IP_OFFSET + 12, address & 0xFFFF_FFFFL);
        return this;
    }
}
