package net.dta.rdma.wire;

/**
 * An AETH syndrome (protocol.md 5.2): bits 6-5 say ACK (00), RNR NAK (01) or NAK (11); the low
 * five bits are the credit count of an ACK or the NAK code. {@link #of(int)} never throws and never
 * allocates; unknown codes keep their number in the name.
 */
public final class AethSyndrome {
    public static final int ACK = 0x1F;
    public static final int NAK_PSN_SEQUENCE_ERROR = 0x60;
    public static final int NAK_INVALID_REQUEST = 0x61;
    public static final int NAK_REMOTE_ACCESS_ERROR = 0x62;
    public static final int NAK_REMOTE_OPERATIONAL_ERROR = 0x63;

    /** Index of a NAK in per-syndrome counters: the low 2 bits of the NAK code (as the translator counts). */
    public static final int NAK_KINDS = 4;

    private static final AethSyndrome[] TABLE = new AethSyndrome[256];

    static {
        for (int code = 0; code < 256; code++) {
            int kind = (code >>> 5) & 0x3;
            String name = switch (kind) {
                case 0 -> "ack";
                case 1 -> "rnr_nak";
                case 3 -> switch (code) {
                    case NAK_PSN_SEQUENCE_ERROR -> "psn_sequence";
                    case NAK_INVALID_REQUEST -> "invalid_request";
                    case NAK_REMOTE_ACCESS_ERROR -> "remote_access";
                    case NAK_REMOTE_OPERATIONAL_ERROR -> "remote_operational";
                    default -> String.format("nak(0x%02x)", code);
                };
                default -> String.format("reserved(0x%02x)", code);
            };
            TABLE[code] = new AethSyndrome(code, name);
        }
    }

    private final int code;
    private final String name;

    private AethSyndrome(int code, String name) {
        this.code = code;
        this.name = name;
    }

    public static AethSyndrome of(int code) {
        return TABLE[code & 0xFF];
    }

    public int code() {
        return code;
    }

    /** The metrics name: ack, psn_sequence, invalid_request, remote_access, remote_operational, ... */
    public String name() {
        return name;
    }

    public boolean isAck() {
        return (code & 0x60) == 0x00;
    }

    public boolean isRnrNak() {
        return (code & 0x60) == 0x20;
    }

    public boolean isNak() {
        return (code & 0x60) == 0x60;
    }

    @Override
    public String toString() {
        return name;
    }
}
