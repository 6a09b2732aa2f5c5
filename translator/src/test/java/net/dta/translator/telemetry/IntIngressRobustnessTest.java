package net.dta.translator.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import net.dta.protocol.report.Report;

/**
 * Whatever arrives on the INT port, the ingest never throws, every DTA report it makes is a
 * well-formed report of a mapped store, and the per-datagram path allocates nothing.
 */
class IntIngressRobustnessTest {
    private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : new String[] {"int.md", "int.xd", "int.drop", "int.queue"}) {
            seeds.add(IntVectorTest.VECTORS.get(name + ".datagram").bytes());
        }
        seeds.addAll(MalformedInt.corpus(5000).values());
        return seeds;
    }

    @Test
    void randomlyCorruptedDatagramsAreCountedNeverThrown() {
        List<byte[]> seeds = seeds();
        SplittableRandom random = new SplittableRandom(15);
        long[] made = new long[1];
        try (IntIngress ingress = new IntIngress(IntVectorTest.MAPPING, (s, off, len) -> {
            Report r = new Report().wrap(s, off, len);
            assertEquals(net.dta.protocol.report.DropReason.NONE, net.dta.protocol.report.StoreChecks.checkLimits(r), "a well-formed DTA report");
            int store = r.storeId();
            assertTrue(store >= 1 && store <= 4, "a mapped store: " + store);
            made[0]++;
        })) {
            byte[] buf = new byte[6000];
            for (int i = 0; i < 200_000; i++) {
                byte[] seed = seeds.get(random.nextInt(seeds.size()));
                int len = Math.min(seed.length, buf.length);
                System.arraycopy(seed, 0, buf, 0, len);
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    buf[random.nextInt(Math.max(1, len))] = (byte) random.nextInt(256);
                }
                if (random.nextInt(8) == 0) {
                    len = random.nextInt(len + 1);
                }
                ingress.datagram(MemorySegment.ofArray(buf), 0, len);
            }
            assertEquals(200_000, ingress.count(IntCounter.DATAGRAMS));
            assertEquals(made[0], ingress.count(IntCounter.CONVERTED));
            assertTrue(made[0] > 0 && ingress.count(IntCounter.TRUNCATED) > 0 && ingress.count(IntCounter.BAD_VERSION) > 0);
        }
    }

    @Test
    void convertingAllocatesNothingPerDatagram() {
        List<byte[]> vectors = seeds().subList(0, 4);
        MemorySegment[] segments = vectors.stream().map(MemorySegment::ofArray).toArray(MemorySegment[]::new);
        long[] sink = new long[1];
        try (IntIngress ingress = new IntIngress(IntVectorTest.MAPPING, (s, off, len) -> sink[0] += len)) {
            long best = Long.MAX_VALUE;
            // Until the JIT has compiled the path, interpreted var-handle calls allocate: rounds until one does not.
            for (int round = 0; round < 40 && best > 16 * 1024; round++) {
                long before = MX.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    int k = i & 3;
                    ingress.datagram(segments[k], 0, (int) segments[k].byteSize());
                }
                best = Math.min(best, MX.getCurrentThreadAllocatedBytes() - before);
            }
            assertTrue(best <= 16 * 1024, "bytes allocated by 100,000 datagrams: " + best);
            assertTrue(sink[0] > 0);
        }
    }
}
