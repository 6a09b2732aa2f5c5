package net.dta.protocol.telemetry;

/**
 * Constants of the P4.org Telemetry Report Format v2.0 and the INT v2.1 headers it carries
 * (docs/int.md gives the bit diagrams and where each value comes from).
 *
 * <pre>
 * Telemetry Report Group Header (8 bytes)
 * | Ver(4) | hw_id(6) | Sequence Number(22) |
 * | Node ID (32)                              |
 * Individual Report Header (4 bytes), then Report Length x 4 bytes
 * | RepType(4) | InType(4) | Report Length(8) | MD Length(8) | D Q F I | Rsvd(4) |
 * INT main contents (8 bytes), then MD Length x 4 bytes of metadata
 * | RepMdBits(16) | Domain Specific ID(16) | DSMdBits(16) | DSMdstatus(16) |
 * </pre>
 */
public final class IntFormat {
    public static final int REPORT_VERSION = 2;
    public static final int GROUP_HEADER_LENGTH = 8;
    public static final int REPORT_HEADER_LENGTH = 4;
    /** RepMdBits, Domain Specific ID, DSMdBits, DSMdstatus: the fixed part of the INT main contents. */
    public static final int INT_MAIN_FIXED_LENGTH = 8;

    public static final int REP_TYPE_INNER_ONLY = 0;
    public static final int REP_TYPE_INT = 1;
    public static final int REP_TYPE_IOAM = 2;

    public static final int IN_TYPE_NONE = 0;
    public static final int IN_TYPE_TLV = 1;
    public static final int IN_TYPE_DS_EXTENSION = 2;
    public static final int IN_TYPE_ETHERNET = 3;
    public static final int IN_TYPE_IPV4 = 4;
    public static final int IN_TYPE_IPV6 = 5;

    /** Flag bits of the individual report header's last byte. */
    public static final int FLAG_DROPPED = 0x80;
    public static final int FLAG_CONGESTED_QUEUE = 0x40;
    public static final int FLAG_TRACKED_FLOW = 0x20;
    public static final int FLAG_INTERMEDIATE = 0x10;

    /** Metadata bits, numbered as in the specifications: bit 0 is the most significant of the 16. */
    public static final int MD_NODE_ID = 0;
    public static final int MD_L1_INTERFACES = 1;
    public static final int MD_HOP_LATENCY = 2;
    public static final int MD_QUEUE = 3;
    public static final int MD_INGRESS_TIMESTAMP = 4;
    public static final int MD_EGRESS_TIMESTAMP = 5;
    public static final int MD_L2_INTERFACES = 6;
    public static final int MD_TX_UTILIZATION = 7;
    public static final int MD_BUFFER = 8;
    /** In an INT instruction bitmap: checksum complement; in RepMdBits: queue id + drop reason. */
    public static final int MD_BIT_15 = 15;

    /** INT shim header types (INT v2.1 section 5.7). */
    public static final int SHIM_TYPE_MD = 1;
    public static final int SHIM_TYPE_DESTINATION = 2;
    public static final int SHIM_TYPE_MX = 3;
    public static final int SHIM_LENGTH = 4;
    public static final int INT_VERSION = 2;
    /** INT-MD and INT-MX metadata headers are both 12 bytes. */
    public static final int INT_HEADER_LENGTH = 12;
    public static final int NPT_UDP_PORT = 1;
    public static final int NPT_L4_HEADER = 2;

    /** The "not available" value of a 4-byte metadata (INT v2.1: all ones). */
    public static final long UNAVAILABLE = 0xFFFF_FFFFL;

    private IntFormat() {
    }

    /** The bitmask of metadata bit {@code bit} (0 = most significant) in a 16-bit bitmap. */
    public static int mask(int bit) {
        return 0x8000 >>> bit;
    }

    /** Bytes one metadata of bit {@code bit} takes: 8 for the timestamps and level-2 interfaces, else 4. */
    public static int size(int bit) {
        return bit >= MD_INGRESS_TIMESTAMP && bit <= MD_L2_INTERFACES ? 8 : 4;
    }

    /** Bytes of the metadata a 16-bit bitmap asks for. */
    public static int length(int bitmap) {
        int n = 0;
        for (int bit = 0; bit < 16; bit++) {
            if ((bitmap & mask(bit)) != 0) {
                n += size(bit);
            }
        }
        return n;
    }

    /**
     * Where the metadata of bit {@code bit} starts within one hop's (or one report's) metadata
     * laid out in bit order, or -1 when the bitmap does not include it.
     */
    public static int offset(int bitmap, int bit) {
        if ((bitmap & mask(bit)) == 0) {
            return -1;
        }
        int n = 0;
        for (int b = 0; b < bit; b++) {
            if ((bitmap & mask(b)) != 0) {
                n += size(b);
            }
        }
        return n;
    }
}
