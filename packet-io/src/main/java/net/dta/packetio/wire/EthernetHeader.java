package net.dta.packetio.wire;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over an Ethernet II header (no VLAN tag: the DTA paths never carry one).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    destination MAC (48)                       |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                      source MAC (48)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        EtherType (16)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * MAC addresses are handled as the low 48 bits of a long, most significant byte first.
 */
public final class EthernetHeader {
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int LENGTH = 14;
    public static final int ETHER_TYPE_IPV4 = 0x0800;

    private MemorySegment segment;
    private long offset;

    public EthernetHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public long destination() {
        return mac(segment, offset + DESTINATION_OFFSET);
    }

    public EthernetHeader destination(long mac) {
        mac(segment, offset + DESTINATION_OFFSET, mac);
        return this;
    }

    public long source() {
        return mac(segment, offset + SOURCE_OFFSET);
    }

    public EthernetHeader source(long mac) {
        mac(segment, offset + SOURCE_OFFSET, mac);
        return this;
    }

    public int etherType() {
        return Bytes.u16(segment, offset + ETHER_TYPE_OFFSET);
    }

    public EthernetHeader etherType(int value) {
        Bytes.u16(segment, offset + ETHER_TYPE_OFFSET, value);
        return this;
    }

    static long mac(MemorySegment s, long off) {
        return ((long) Bytes.u16(s, off) << 32) | Bytes.u32(s, off + 2);
    }

    static void mac(MemorySegment s, long off, long mac) {
        Bytes.u16(s, off, (int) (mac >>> 32));
        Bytes.u32(s, off + 2, mac & 0xFFFF_FFFFL);
    }
}
