package net.dta.bench.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.store.StoreSet;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.ReportMix;
import net.dta.reporter.ReporterOptions;

/**
 * The classic collector's receive path allocates nothing per report (the reporter's send path:
 * reporter's AllocationTest), measured with the JVM's per-thread allocation counter. Until the JIT
 * has compiled it, interpreted method-handle and var-handle calls do allocate, so rounds of 100,000 reports
 * are sent until one allocates (almost) nothing; the test fails if none does within two minutes (40 rounds
 * were not always enough under a heavy build load: the JIT's queue falls that far behind).
 */
class ClassicAllocationTest {
    private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    // Generous: on a loaded machine the JIT may take a long time to compile the receive path.
    private static final long PATIENCE_NANOS = 120_000_000_000L;
    /** A few sampled objects of the JVM's own (class loading, JIT deoptimisation) are tolerated: 0.16 byte per report. */
    private static final long LIMIT = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    void theClassicCollectorAllocatesNothingPerReport() throws Exception {
        List<StoreDefinition> stores = List.of(
                new StoreDefinition(1, "kw", new KeyWriteLayout(12, 8, 2), false),
                new StoreDefinition(2, "ki", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10), false),
                new StoreDefinition(3, "pc", new PostcardLayout(10, 5), false),
                new StoreDefinition(4, "ap", new AppendLayout(4, 10), false),
                new StoreDefinition(5, "sk", new CounterLayout(StoreKind.SKETCH, 2, 10), false));
        byte[] key = new byte[16];
        byte[] value = new byte[4];
        int[] deltas = {1, 2, 3, 4};
        try (StoreSet set = StoreSet.open(dir, stores, "test")) {
            int localhost = Ipv4.parse("127.0.0.1");
            ClassicCollector c = ClassicCollector.start(localhost, 0, new StoreFileSink(set.files()), new ChannelOptions(32 << 20, 4096, 20));
            try (DtaReporter r = DtaReporter.open(ReporterOptions.to(localhost).withPort(c.port()))) {
                long allocated = Long.MAX_VALUE;
                long sent = 0;
                long start = System.nanoTime();
                while (allocated >= LIMIT && System.nanoTime() - start < PATIENCE_NANOS) {
                    long before = MX.getThreadAllocatedBytes(c.thread().threadId());
                    ReportMix.send(r, 100_000, key, value, deltas);
                    sent += 100_000;
                    await(c, sent);
                    allocated = MX.getThreadAllocatedBytes(c.thread().threadId()) - before;
                }
                assertEquals(sent, c.applied());
                assertTrue(allocated < LIMIT, "100,000 reports allocated " + allocated + " bytes on the collector thread");
            } finally {
                c.close();
            }
        }
    }

    private static void await(ClassicCollector c, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (c.received() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, c.received(), "every datagram arrived");
    }
}
