package net.dta.translator.dataplane;

import net.dta.packetio.status.CounterArray;

/**
 * Where every accepted report is, per primitive (issue 13 item 2; protocol.md 5.6): applied (the
 * request carrying it was acknowledged), held (a postcard cache entry or an Append batch), in
 * flight (sent, not yet acknowledged), or lost by {@link LossReason}. For every primitive, at any
 * quiet moment: accepted = applied + held + in flight + lost (all reasons). A report that needs
 * several requests (Key-Write and Key-Increment replicas, Sketch-Merge counters) is carried by its
 * last request: it is applied when that one is acknowledged (acknowledgements are cumulative).
 *
 * <p>Indexed by report opcode (1..5). One writer, the data-plane thread; any thread may read.
 */
public final class ReportLedger {
    /** Why accepted reports were lost; the label is the name in status and metrics. */
    public enum LossReason {
        RETRANSMIT_WINDOW("retransmit_window", "not sent: the queue pair's retransmit window was full (collector slow or gone)"),
        QUEUE_PAIR_DOWN("queue_pair_down", "in flight when the queue pair went down (an upper bound: some may have run)"),
        RESYNC("resync", "sent after a gap and dropped by the responder (switch requester: no retransmission)"),
        NOT_WRITABLE("not_writable", "held postcard rows and Append entries whose store, collector, queue pair or region was gone"),
        SUPERSEDED("superseded", "postcards replaced in the cache by a later postcard of the same flow and hop"),
        RESET("reset", "in flight or held when the queue pair's PSNs were rewritten or a new pipeline was set");

        private final String label;
        private final String help;

        LossReason(String label, String help) {
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

    private static final int PRIMITIVES = 8;
    private static final LossReason[] REASONS = LossReason.values();

    private final CounterArray applied = new CounterArray(PRIMITIVES);
    private final CounterArray held = new CounterArray(PRIMITIVES);
    private final CounterArray inFlight = new CounterArray(PRIMITIVES);
    private final CounterArray lost = new CounterArray(PRIMITIVES * REASONS.length);

    public long applied(int primitive) {
        return applied.get(primitive);
    }

    public long held(int primitive) {
        return held.get(primitive);
    }

    public long inFlight(int primitive) {
        return inFlight.get(primitive);
    }

    public long lost(int primitive, LossReason reason) {
        return lost.get(reason.ordinal() * PRIMITIVES + primitive);
    }

    // ---- data-plane thread only ----

    void hold(int primitive, int reports) {
        held.add(primitive, reports);
    }

    /** Held reports leave the cache or batch: they are sent next, or lost. */
    void release(int primitive, int reports) {
        held.add(primitive, -reports);
    }

    void sent(int primitive, int reports) {
        inFlight.add(primitive, reports);
    }

    void acknowledged(int primitive, int reports) {
        inFlight.add(primitive, -reports);
        applied.add(primitive, reports);
    }

    /** Reports lost before they were sent (window full, nothing to write them to, superseded). */
    void lost(int primitive, int reports, LossReason reason) {
        lost.add(reason.ordinal() * PRIMITIVES + primitive, reports);
    }

    /** Sent reports counted lost. */
    void lostInFlight(int primitive, int reports, LossReason reason) {
        inFlight.add(primitive, -reports);
        lost(primitive, reports, reason);
    }

    /** An acknowledgement that arrived after its queue pair went down: those reports were applied. */
    void foundApplied(int primitive, int reports) {
        lost(primitive, -reports, LossReason.QUEUE_PAIR_DOWN);
        applied.add(primitive, reports);
    }

    /** A new pipeline: every count starts from zero, as the P4 counters do. */
    void clear() {
        for (int p = 0; p < PRIMITIVES; p++) {
            applied.set(p, 0);
            held.set(p, 0);
            inFlight.set(p, 0);
        }
        for (int i = 0; i < lost.size(); i++) {
            lost.set(i, 0);
        }
    }
}
