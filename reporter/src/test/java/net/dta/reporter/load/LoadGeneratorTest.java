package net.dta.reporter.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dta.protocol.report.Report;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReportReceiver;

/** Load runs against a real UDP receiver that decodes and counts every report. */
class LoadGeneratorTest {
    static LoadResult run(LoadSpec spec, ReportReceiver rx) throws Exception {
        List<LoadProgress> progress = new ArrayList<>();
        LoadResult r;
        try (LoadGenerator g = LoadGenerator.open(spec)) {
            r = g.run(progress::add, Duration.ofMillis(50));
        }
        assertEquals(r.sent(), rx.await(r.sent(), Duration.ofSeconds(10)), "every report sent arrived");
        assertEquals(0, rx.malformed());
        assertEquals(0, r.sendErrors());
        assertEquals(r.totalReports(), r.sent());
        return r;
    }

    @Test
    void theMixProportionsAreWhatWasAskedFor() throws Exception {
        long[] byOpcode = new long[8];
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> byOpcode[rep.opcode()]++)) {
            LoadSpec spec = LoadSpec.builder(rx.target()).rate(0).count(20_000).keys(1000).threads(2)
                    .mix("kw=40,ki=30,pc=20,ap=5,sk=5").build();
            LoadResult r = run(spec, rx);
            long total = 0;
            for (long c : byOpcode) {
                total += c;
            }
            assertEquals(r.sent(), total);
            for (Primitive p : Primitive.values()) {
                double share = (double) byOpcode[p.opcode()] / total;
                assertEquals(spec.share(p), share, 0.02, p + " share");
                assertEquals(r.reports(p), byOpcode[p.opcode()], p + " counted as received");
            }
            assertTrue(r.totalReports() >= 20_000 && r.totalReports() <= 20_000 + r.drainPostcards());
        }
    }

    @Test
    void zipfKeysAreSkewedTowardsTheFirstKeysAndUniformKeysAreNot() throws Exception {
        Map<String, Integer> zipf = keyCounts("zipf:1.2");
        Map<String, Integer> uniform = keyCounts("uniform");
        String hottest = hex(KeySpace.key(0));
        int top = zipf.values().stream().max(Integer::compare).orElseThrow();
        assertEquals(top, zipf.get(hottest), "key 0 is the most frequent under Zipf");
        double expected = KeyDistribution.Zipf.of(1000, 1.2).probability(0) * 20_000;
        assertEquals(expected, top, expected * 0.15, "key 0's count matches the Zipf probability");
        int uniformTop = uniform.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(uniformTop < 60 && uniform.size() > 990, "uniform: every key about 20 times, top " + uniformTop);
        assertTrue(zipf.size() < uniform.size(), "Zipf leaves rare keys unseen");
    }

    private static Map<String, Integer> keyCounts(String distribution) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        byte[] key = new byte[16];
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> {
            rep.copyKey(key);
            counts.merge(hex(key), 1, Integer::sum);
        })) {
            run(LoadSpec.builder(rx.target()).rate(0).count(20_000).keys(1000).distribution(distribution).mix("kw=1").build(), rx);
        }
        return counts;
    }

    @Test
    void everyFlowSendsOnePostcardPerHopInPathOrder() throws Exception {
        Map<String, List<int[]>> hopsByFlow = new HashMap<>();
        byte[] key = new byte[16];
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> {
            rep.copyKey(key);
            hopsByFlow.computeIfAbsent(hex(key), k -> new ArrayList<>()).add(new int[] {rep.hop(), rep.pathLength(), rep.postcardValue()});
        })) {
            LoadSpec spec = LoadSpec.builder(rx.target()).rate(0).count(5_001).keys(1L << 32).threads(2).mix("pc=1")
                    .pathLength(2, 5).flowsInFlight(8).stores("pc=7").build();
            LoadResult r = run(spec, rx);
            assertEquals(r.flowsStarted(), r.flowsCompleted());
            assertEquals(r.flowsStarted(), hopsByFlow.size(), "one flow per key (2^32 keys: no reuse here)");
            Set<Integer> lengths = new HashSet<>();
            for (Map.Entry<String, List<int[]>> flow : hopsByFlow.entrySet()) {
                List<int[]> hops = flow.getValue();
                int length = hops.get(0)[1];
                lengths.add(length);
                assertEquals(length, hops.size(), "every hop of " + flow.getKey());
                for (int h = 0; h < hops.size(); h++) {
                    assertEquals(h, hops.get(h)[0], "hops in path order");
                    assertEquals(length, hops.get(h)[1]);
                    assertEquals(h, hops.get(h)[2] >>> 29, "switch id << 24 | queue depth, tier = hop");
                }
            }
            assertEquals(Set.of(2, 3, 4, 5), lengths);
            assertTrue(r.drainPostcards() > 0, "the count cut flows, which were completed");
        }
    }

    @Test
    void appendAndSketchReportsStayInsideTheirStores() throws Exception {
        Set<Integer> events = new HashSet<>();
        long[] bad = new long[2];
        long[] sketches = new long[1];
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> {
            if (rep.opcode() == Report.OPCODE_APPEND) {
                if (rep.list() >= 3 || !events.add(rep.appendValue())) {
                    bad[0]++;
                }
            } else {
                sketches[0]++;
                if (rep.row() >= 3 || rep.count() != 5 || (rep.column() & 15) + rep.count() > 16 || rep.column() + 5 > 1024) {
                    bad[1]++;
                }
            }
        })) {
            run(LoadSpec.builder(rx.target()).rate(0).count(4000).mix("ap=1,sk=1").lists(3).sketch(3, 10, 5).build(), rx);
            assertTrue(events.size() > 1500 && sketches[0] > 1500);
            assertEquals(0, bad[0], "Append lists in range, event ids unique");
            assertEquals(0, bad[1], "sketch rows, counts and columns in range");
        }
    }

    @Test
    void rateControlNeverRunsAheadOfTheScheduleAndReachesItsCount() throws Exception {
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> { })) {
            LoadSpec spec = LoadSpec.builder(rx.target()).rate(10_000).count(3_000).mix("ki=1").build();
            LoadResult r = run(spec, rx);
            assertEquals(3_000, r.sent());
            // Report i is not sent before start + (i+1)/rate: 3000 reports take at least 0.3 s.
            assertTrue(r.elapsedNanos() >= 300_000_000L, "elapsed " + r.elapsedNanos());
            assertTrue(r.achievedRate() <= 10_000 * 1.001, "achieved " + r.achievedRate());
            assertTrue(r.batches() < 3_000, "reports were batched: " + r.batches() + " sendmmsg calls");
        }
        try (ReportReceiver rx = ReportReceiver.decoding(rep -> { })) {
            LoadSpec spec = LoadSpec.builder(rx.target()).rate(20_000).duration(Duration.ofMillis(200)).mix("kw=1").threads(2).build();
            LoadResult r = run(spec, rx);
            // At most the schedule plus one bucket per thread (max(batch, rate/100) reports).
            assertTrue(r.sent() <= 4_000 + 2 * 100, "sent " + r.sent());
            assertTrue(r.sent() > 0);
        }
    }

    @Test
    void specErrorsNameTheField() {
        var target = net.dta.reporter.ReporterOptions.to(0x7F000001);
        assertMessage("duration/count", () -> LoadSpec.builder(target).build());
        assertMessage("mix:", () -> LoadSpec.builder(target).count(1).mix("kw=0").build());
        assertMessage("mix:", () -> LoadSpec.builder(target).count(1).mix("xx=1").build());
        assertMessage("mix:", () -> LoadSpec.builder(target).count(1).mix("kw=1,kw=2").build());
        assertMessage("mix:", () -> LoadSpec.builder(target).count(1).mix("kw=-1").build());
        assertMessage("stores:", () -> LoadSpec.builder(target).count(1).stores("kw=0").build());
        assertMessage("distribution:", () -> LoadSpec.builder(target).count(1).distribution("zipf:0").build());
        assertMessage("distribution:", () -> LoadSpec.builder(target).count(1).distribution("normal").build());
        assertMessage("keys:", () -> LoadSpec.builder(target).count(1).keys(0).build());
        assertMessage("path-length:", () -> LoadSpec.builder(target).count(1).pathLength(4, 3).build());
        assertMessage("kw-value-bytes:", () -> LoadSpec.builder(target).count(1).keyWriteValueBytes(8).build());
        assertMessage("sketch-counters:", () -> LoadSpec.builder(target).count(1).sketch(2, 2, 5).build());
        assertMessage("threads:", () -> LoadSpec.builder(target).count(1).threads(0).build());
        assertMessage("rate:", () -> LoadSpec.builder(target).count(1).rate(-1).build());
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void keySpaceKeysAreDistinctFiveTuples() {
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < 100_000; i++) {
            assertTrue(seen.add(hex(KeySpace.key(i))));
        }
        byte[] k = KeySpace.key(12345);
        assertEquals(10, k[0]);
        assertTrue(k[12] == 6 || k[12] == 17);
        assertArrayEquals(new byte[3], new byte[] {k[13], k[14], k[15]});
    }

    static String hex(byte[] key) {
        return java.util.HexFormat.of().formatHex(key);
    }
}
