package net.dta.rdma.wire;

/**
 * A BTH opcode and what follows the BTH for it. A value class in the manner of Netty's
 * {@code DnsOpCode}: {@link #of(int)} never throws and never allocates; codes this endpoint does
 * not handle come back as an instance with {@link #known()} false, named {@code unknown(0xNN)}.
 *
 * <p>The opcodes DTA uses (protocol.md 5.2) are known, and the RC requests a responder must answer
 * with NAK invalid request rather than drop (RC SEND, COMPARE_SWAP: protocol.md 5.5); everything
 * else (UC, RD, ...) is treated as unknown by the responder and dropped as malformed.
 */
public final class RoceOpcode {
    public static final int RC_RDMA_WRITE_FIRST = 0x06;
    public static final int RC_RDMA_WRITE_MIDDLE = 0x07;
    public static final int RC_RDMA_WRITE_LAST = 0x08;
    public static final int RC_RDMA_WRITE_ONLY = 0x0A;
    public static final int RC_RDMA_READ_REQUEST = 0x0C;
    public static final int RC_RDMA_READ_RESPONSE_FIRST = 0x0D;
    public static final int RC_RDMA_READ_RESPONSE_MIDDLE = 0x0E;
    public static final int RC_RDMA_READ_RESPONSE_LAST = 0x0F;
    public static final int RC_RDMA_READ_RESPONSE_ONLY = 0x10;
    public static final int RC_ACKNOWLEDGE = 0x11;
    public static final int RC_ATOMIC_ACKNOWLEDGE = 0x12;
    public static final int RC_COMPARE_SWAP = 0x13;
    public static final int RC_FETCH_ADD = 0x14;
    public static final int RC_SEND_FIRST = 0x00;
    public static final int RC_SEND_MIDDLE = 0x01;
    public static final int RC_SEND_LAST = 0x02;
    public static final int RC_SEND_LAST_IMMEDIATE = 0x03;
    public static final int RC_SEND_ONLY = 0x04;
    public static final int RC_SEND_ONLY_IMMEDIATE = 0x05;
    public static final int UD_SEND_ONLY = 0x64;

    private static final RoceOpcode[] TABLE = new RoceOpcode[256];

    static {
        for (int code = 0; code < 256; code++) {
            TABLE[code] = new RoceOpcode(code, String.format("unknown(0x%02x)", code), false, 0, false, false);
        }
        define(RC_RDMA_WRITE_FIRST, "RC RDMA WRITE First", Reth.LENGTH, true, false);
        define(RC_RDMA_WRITE_MIDDLE, "RC RDMA WRITE Middle", 0, true, false);
        define(RC_RDMA_WRITE_LAST, "RC RDMA WRITE Last", 0, true, false);
        define(RC_RDMA_WRITE_ONLY, "RC RDMA WRITE Only", Reth.LENGTH, true, false);
        define(RC_RDMA_READ_REQUEST, "RC RDMA READ Request", Reth.LENGTH, false, false);
        define(RC_RDMA_READ_RESPONSE_FIRST, "RC RDMA READ Response First", Aeth.LENGTH, true, true);
        define(RC_RDMA_READ_RESPONSE_MIDDLE, "RC RDMA READ Response Middle", 0, true, true);
        define(RC_RDMA_READ_RESPONSE_LAST, "RC RDMA READ Response Last", Aeth.LENGTH, true, true);
        define(RC_RDMA_READ_RESPONSE_ONLY, "RC RDMA READ Response Only", Aeth.LENGTH, true, true);
        define(RC_ACKNOWLEDGE, "RC Acknowledge", Aeth.LENGTH, false, true);
        define(RC_ATOMIC_ACKNOWLEDGE, "RC ATOMIC Acknowledge", Aeth.LENGTH + AtomicAckEth.LENGTH, false, true);
        define(RC_FETCH_ADD, "RC FETCH_ADD", AtomicEth.LENGTH, false, false);
        define(RC_COMPARE_SWAP, "RC COMPARE_SWAP", AtomicEth.LENGTH, false, false);
        define(RC_SEND_FIRST, "RC SEND First", 0, true, false);
        define(RC_SEND_MIDDLE, "RC SEND Middle", 0, true, false);
        define(RC_SEND_LAST, "RC SEND Last", 0, true, false);
        define(RC_SEND_LAST_IMMEDIATE, "RC SEND Last with Immediate", 4, true, false);
        define(RC_SEND_ONLY, "RC SEND Only", 0, true, false);
        define(RC_SEND_ONLY_IMMEDIATE, "RC SEND Only with Immediate", 4, true, false);
        define(UD_SEND_ONLY, "UD SEND Only", Deth.LENGTH, true, false);
    }

    private final int code;
    private final String name;
    private final boolean known;
    private final int extensionLength;
    private final boolean carriesPayload;
    private final boolean fromResponder;

    private RoceOpcode(int code, String name, boolean known, int extensionLength, boolean carriesPayload,
                       boolean fromResponder) {
        this.code = code;
        this.name = name;
        this.known = known;
        this.extensionLength = extensionLength;
        this.carriesPayload = carriesPayload;
        this.fromResponder = fromResponder;
    }

    private static void define(int code, String name, int extensionLength, boolean payload, boolean fromResponder) {
        TABLE[code] = new RoceOpcode(code, name, true, extensionLength, payload, fromResponder);
    }

    /** The opcode for a BTH opcode byte (only the low 8 bits are used). Never null, never throws. */
    public static RoceOpcode of(int code) {
        return TABLE[code & 0xFF];
    }

    public int code() {
        return code;
    }

    public String name() {
        return name;
    }

    /** Whether this endpoint handles the opcode. */
    public boolean known() {
        return known;
    }

    /** Bytes of extension headers between the BTH and the payload. */
    public int extensionLength() {
        return extensionLength;
    }

    /** Whether a payload may follow the extension headers. */
    public boolean carriesPayload() {
        return carriesPayload;
    }

    /** Whether a responder sends it (ACK, ATOMIC ACK, READ responses). */
    public boolean fromResponder() {
        return fromResponder;
    }

    public boolean isWrite() {
        return code >= RC_RDMA_WRITE_FIRST && code <= RC_RDMA_WRITE_ONLY && code != 0x09;
    }

    /** WRITE First or Only: the packets that carry a RETH. */
    public boolean startsWrite() {
        return code == RC_RDMA_WRITE_FIRST || code == RC_RDMA_WRITE_ONLY;
    }

    /** WRITE Last or Only: the packets that end a message. */
    public boolean endsWrite() {
        return code == RC_RDMA_WRITE_LAST || code == RC_RDMA_WRITE_ONLY;
    }

    @Override
    public String toString() {
        return name;
    }
}
