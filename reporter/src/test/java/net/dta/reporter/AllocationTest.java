package net.dta.reporter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/**
 * The reporter's send path allocates nothing per report (the classic collector's receive path:
 * bench's ClassicAllocationTest), measured with the JVM's per-thread allocation counter. Until the
 * JIT has compiled it, interpreted method-handle and var-handle calls do allocate, so rounds of 100,000 reports
 * are sent until one allocates (almost) nothing; the test fails if none does within two minutes. (Under a
 * build load of 13 on 2 cores, the 40th round, 30 s in, still allocated the 62,520 bytes that a quiet
 * machine's second round allocates: the JIT's queue was that far behind.)
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    // Generous: on a loaded machine the JIT may take a long time to compile the send path.
    private static final long PATIENCE_NANOS = 120_000_000_000L;
    /** A few sampled objects of the JVM's own (class loading, JIT deoptimisation) are tolerated: 0.16 byte per report. */
    private static final long LIMIT = 16 * 1024;

    @Test
    void sendingReportsAllocatesNothingPerReport() throws Exception {
        byte[] key = new byte[16];
        byte[] value = new byte[4];
        int[] deltas = {1, 2, 3, 4};
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> { }); DtaReporter r = DtaReporter.open(rx.target())) {
            long allocated = Long.MAX_VALUE;
            long start = System.nanoTime();
            while (allocated >= LIMIT && System.nanoTime() - start < PATIENCE_NANOS) {
                long before = MX.getCurrentThreadAllocatedBytes();
                ReportMix.send(r, 100_000, key, value, deltas);
                allocated = MX.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < LIMIT, "100,000 reports allocated " + allocated + " bytes");
        }
    }
}
