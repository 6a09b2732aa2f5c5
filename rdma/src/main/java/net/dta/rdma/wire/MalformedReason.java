package net.dta.rdma.wire;

/**
 * Why a received frame is not a RoCEv2 packet this endpoint can process, in the order the parser
 * checks (lengths and opcode first). The label is the counter name in status and metrics.
 */
public enum MalformedReason {
    OK("ok"),
    TRUNCATED("truncated"),
    NOT_IPV4("not_ipv4"),
    BAD_IP_HEADER("bad_ip_header"),
    FRAGMENTED("fragmented"),
    NOT_UDP("not_udp"),
    NOT_ROCE_PORT("not_roce_port"),
    LENGTH_MISMATCH("length_mismatch"),
    UNKNOWN_OPCODE("unknown_opcode"),
    BAD_TRANSPORT_VERSION("bad_transport_version"),
    /** P_Key 0x0000/0x8000: the invalid P_Key (IBTA 10.9.1.2); a NIC drops such packets. */
    INVALID_PKEY("invalid_pkey"),
    TOO_SHORT_FOR_OPCODE("too_short_for_opcode"),
    PAD_COUNT("pad_count"),
    UNEXPECTED_PAYLOAD("unexpected_payload"),
    BAD_ICRC("bad_icrc");

    private static final MalformedReason[] VALUES = values();

    private final String label;

    MalformedReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** All reasons, indexable by ordinal (shared: do not modify). */
    static MalformedReason[] all() {
        return VALUES;
    }
}
