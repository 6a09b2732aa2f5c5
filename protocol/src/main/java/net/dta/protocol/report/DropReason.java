package net.dta.protocol.report;

/**
 * Why a translator dropped a report (protocol.md 2.5). The code is the index of the translator's
 * drop counter, identical in the P4 programs and the software translator.
 */
public enum DropReason {
    NONE(0, "none"),
    TRUNCATED(1, "truncated"),
    BAD_VERSION(2, "bad_version"),
    UNKNOWN_OPCODE(3, "unknown_opcode"),
    UNKNOWN_STORE(4, "unknown_store"),
    KIND_MISMATCH(5, "kind_mismatch"),
    BAD_VALUE_LENGTH(6, "bad_value_length"),
    REDUNDANCY_OUT_OF_RANGE(7, "redundancy_out_of_range"),
    HOP_OUT_OF_RANGE(8, "hop_out_of_range"),
    LIST_OUT_OF_RANGE(9, "list_out_of_range"),
    SKETCH_OUT_OF_RANGE(10, "sketch_out_of_range"),
    NO_COLLECTOR(11, "no_collector"),
    QUEUE_PAIR_DOWN(12, "queue_pair_down"),
    NO_REGION(13, "no_region"),
    /** A datagram longer than {@link #MAX_DATAGRAM_BYTES}: never parsed (software translator; a switch drops it at its port MTU). */
    OVERSIZED(14, "oversized");

    /** The longest report datagram (UDP payload) a translator accepts (protocol.md 2.1). */
    public static final int MAX_DATAGRAM_BYTES = 4310;

    public static final int COUNTER_SLOTS = 16;
    private static final DropReason[] BY_CODE = new DropReason[COUNTER_SLOTS];

    static {
        for (DropReason r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;
    private final String label;

    DropReason(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** The name used in metrics and logs. */
    public String label() {
        return label;
    }

    /** Null for a code this build does not know. */
    public static DropReason ofCode(int code) {
        return code >= 0 && code < COUNTER_SLOTS ? BY_CODE[code] : null;
    }
}
