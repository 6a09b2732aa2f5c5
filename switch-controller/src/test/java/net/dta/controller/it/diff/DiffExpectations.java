package net.dta.controller.it.diff;

/**
 * Where the software translator and the P4 translator are allowed to differ, in one place (the
 * rest must be equal byte for byte). Each is a documented target difference of docs/p4.md
 * ("Differences from the software translator"); the scenarios of {@link Bmv2DifferentialTest}
 * consult these and nothing else.
 */
final class DiffExpectations {
    private DiffExpectations() {
    }

    /**
     * Timers: BMv2 has none; an idle flush or a due probe goes out with the next report that touches
     * the entry or queue pair (docs/p4.md "idle flush", "probes"). The scenarios drive the software
     * with a manual clock ({@code idle}) and make the next report touch that state, so the two frame
     * streams are equal; only where a frame comes out (at the timer or with the next report) differs.
     */
    static final String LAZY_TIMERS = "lazy flush and probes";

    /**
     * A PSN-sequence NAK: the P4 programs rewind the next PSN to the NAK's PSN (a switch cannot
     * buffer); the software translator does the same today. When it retransmits from a ring instead
     * (issue 13, go-back-N), set this true: at a sequence NAK (reply vectors, resync) the test then
     * checks that what the software sends on the NAK is exactly the frames sent from that PSN on and
     * that BMv2 sends nothing, and sets BMv2's next PSN and lost count to the software's before it
     * goes on comparing byte for byte.
     */
    static final boolean SOFTWARE_RETRANSMITS_ON_NAK = false;

    /**
     * Byte counts of {@code dta_reports} and {@code dta_qp_sent}: the P4 programs count the bytes of
     * the incoming report, the software translator those of what it counts (docs/p4.md). The test
     * compares packet counts only.
     */
    static final String BYTE_COUNTERS = "byte counters";
}
