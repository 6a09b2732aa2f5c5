package net.dta.translator.dataplane;

/**
 * What the software translator counts besides the P4 counters of translator-control.md 2 (those
 * live in {@link net.dta.translator.pipeline.Counters}): its sockets, replies it could not use,
 * PacketIn/PacketOut, routes that did not send, and postcard and Append state. The label is the
 * name in status and metrics.
 */
public enum EngineCounter {
    REPORT_DATAGRAMS("report_datagrams", "report datagrams received"),
    REQUESTS_SENT("requests_sent", "RoCEv2 requests handed to the socket (incl. probes)"),
    ROCE_RECEIVED("roce_received", "RoCEv2 packets received on the translator's address"),
    ROCE_MALFORMED("roce_malformed", "RoCEv2 packets dropped as malformed (see roce_drops by reason)"),
    ROCE_BAD_ICRC("roce_bad_icrc", "RoCEv2 packets dropped for a bad ICRC (raw mode)"),
    ROCE_NOT_LOCAL("roce_not_local", "RoCEv2 packets to an address not in dta_local_addresses"),
    ACKS("acks", "ACKs and ATOMIC ACKs processed"),
    NAKS("naks", "NAKs processed"),
    RNR_NAKS("rnr_naks", "RNR NAKs and reserved syndromes (ignored, as the P4 programs do)"),
    PROBE_ANSWERS("probe_answers", "liveness probes answered (a READ Response Only on a queue pair that is up)"),
    UNEXPECTED_READ_RESPONSES("unexpected_read_responses", "READ First/Middle/Last responses on a queue pair that is up (dropped)"),
    REPLIES_WRONG_SOURCE("replies_wrong_source", "ACKs, NAKs and READ responses from another address than the queue pair's collector (ignored: spoofed)"),
    REPLIES_OUTSIDE_WINDOW("replies_outside_window", "ACKs, NAKs and READ responses whose PSN is not one of those outstanding (ignored: spoofed or stale)"),
    LOST_RESYNC("lost_resync", "requests lost, counted at a PSN-sequence NAK (switch requester only; never more than were outstanding)"),
    RETRANSMITTED("retransmitted", "requests sent again from the retransmit ring (go-back-N after a sequence NAK or a timeout)"),
    RETRANSMIT_TIMEOUTS("retransmit_timeouts", "retransmit timeouts (no acknowledgement while requests were outstanding): each sends a PSN query"),
    PSN_QUERIES("psn_queries", "PSN queries sent (a zero-length duplicate WRITE whose ACK names the responder's expected PSN - 1)"),
    NAKS_ALREADY_RESENT("naks_already_resent", "sequence NAKs naming the PSN the last go-back-N started from (they crossed that resend: not resent again)"),
    GO_BACK_N("go_back_n", "go-back-N resends started (after a sequence NAK or a PSN query's answer): each is a loss the send window adapts to"),
    DUPLICATE_ACKS("duplicate_acks", "ACKs acknowledging nothing new (answers to PSN queries and to retransmitted requests the responder had executed)"),
    LOST_RETRANSMIT_WINDOW("lost_retransmit_window", "requests not sent because the queue pair's retransmit window was full"),
    LOST_QUEUE_PAIR_DOWN("lost_queue_pair_down", "requests outstanding (sent, not acknowledged) when their queue pair went down"),
    QP_ERRORS("qp_errors", "queue pairs put down by a NAK other than a sequence error"),
    QP_TIMEOUTS("qp_timeouts", "queue pairs put down after three unanswered probes"),
    PACKET_IN_SENT("packet_in_sent", "PacketIns handed to the controller stream"),
    PACKET_IN_DROPPED("packet_in_dropped", "PacketIns dropped: no primary controller or its queue full"),
    PACKET_OUT_RECEIVED("packet_out_received", "PacketOuts received"),
    PACKET_OUT_SENT("packet_out_sent", "PacketOuts sent to the network"),
    PACKET_OUT_DROPPED("packet_out_dropped", "PacketOuts dropped (not IPv4, no route, unknown port, not sendable in UDP mode, too large)"),
    ROUTE_DROPS("route_drops", "packets dropped by ipv4_routes (no route, drop, or a port other than 1)"),
    ROUTE_TO_CPU("route_to_cpu", "packets ipv4_routes sent to the controller (PacketIn reason 6)"),
    POSTCARD_EVICTIONS("postcard_evictions", "postcard cache entries written because another flow took the entry"),
    POSTCARD_IDLE_FLUSHES("postcard_idle_flushes", "postcard cache entries written after the flush interval"),
    POSTCARD_ROWS("postcard_rows", "postcard rows written (complete, evicted, flushed)"),
    POSTCARD_ROWS_LOST("postcard_rows_lost", "held postcard rows that could not be written (store, collector, queue pair or region gone)"),
    APPEND_BATCHES("append_batches", "Append batches written"),
    APPEND_IDLE_FLUSHES("append_idle_flushes", "Append batches written after the flush interval"),
    APPEND_ENTRIES_LOST("append_entries_lost", "held Append entries that could not be written (store, collector, queue pair or region gone)"),
    SEND_FAILURES("send_failures", "frames the socket did not accept");

    private final String label;
    private final String help;

    EngineCounter(String label, String help) {
        this.label = label;
        this.help = help;
    }

    public String label() {
        return label;
    }

    public String help() {
        return help;
    }
}
