package net.dta.ns3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped leaf-spine-small scenario run end to end through `./dta ns3 run`'s driver, and its
 * outputs checked for plausibility that can fail: conservation of reports per primitive (the
 * ledger's totals against the independently counted losses by place), Key-Write readability
 * against the formula, Sketch-Merge counts against what the switches shipped, requests per report,
 * and every promised output file.
 */
class Ns3ScenarioTest {
    @TempDir
    static Path out;

    @BeforeAll
    static void runSmallScenario() {
        Ns3.programs();
        // More hosts (not ns-3 nodes) and a lower sample rate: more distinct flow keys (about 1900) for
        // the readability check, at about the report volume of the shipped file (20k reports).
        Ns3.Result r = Ns3.run(List.of(Ns3.PYTHON, Ns3.DRIVER.toString(), "run", "ns3-configs/leaf-spine-small", "--out",
                out.toString(), "--set", "hosts_per_leaf=256", "--set", "sample_rate=0.0005"), 600);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("Collectors needed"), r.stdout());
    }

    static List<Map<String, String>> csv(String name) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve(name));
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], f[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    static long num(Map<String, String> row, String key) {
        return Math.round(Double.parseDouble(row.get(key)));
    }

    @Test
    void everyReportIsAppliedOrCountedLostWhereItWasLost() throws IOException {
        List<Map<String, String>> losses = csv("losses.csv");
        long total = 0;
        for (Map<String, String> r : csv("reports.csv")) {
            String p = r.get("primitive");
            long created = num(r, "created");
            assertTrue(created > 0, p + ": no reports created");
            total += created;
            assertEquals(0, num(r, "unsettled_waiting") + num(r, "unsettled_in_flight"), p + ": reports neither applied nor lost");
            long lostByPlace = losses.stream().mapToLong(l -> Long.parseLong(l.get(p))).sum();
            assertEquals(num(r, "lost"), lostByPlace, p + ": losses by place");
            assertEquals(created, num(r, "applied") + lostByPlace + num(r, "held"), p + ": created = applied + lost + held");
        }
        assertTrue(total > 10_000, "the scenario made only " + total + " reports");
    }

    @Test
    void keyWriteReadabilityFollowsTheFormulaWithinTwoPoints() throws IOException {
        int compared = 0;
        for (Map<String, String> r : csv("readability.csv")) {
            double formula = Double.parseDouble(r.get("formula"));
            double measured = Double.parseDouble(r.get("measured"));
            assertTrue(num(r, "keys") > 1500, "too few keys for a 2-point comparison: " + r);
            if (formula > 0.4 && formula < 0.995) { // where the curve says something
                compared++;
                assertEquals(formula, measured, 0.02, "readability at " + r.get("slots_per_collector") + " slots");
            }
        }
        assertTrue(compared >= 3, "the sizes evaluated do not cover the curve");
    }

    @Test
    void collectorsHoldTheSketchCountsTheSwitchesShipped() throws IOException {
        Map<String, String> sk = csv("reports.csv").stream().filter(r -> r.get("primitive").equals("sk")).findFirst().orElseThrow();
        Map<String, String> s = csv("sketch.csv").get(0);
        assertTrue(num(s, "counts_shipped") > 0);
        if (num(sk, "lost") == 0) {
            assertEquals(num(s, "counts_shipped"), num(s, "counts_in_collector_memory"));
        } else {
            assertTrue(num(s, "counts_in_collector_memory") < num(s, "counts_shipped"));
        }
    }

    @Test
    void requestsAtTheCollectorsMatchWhatTheTranslatorRulesMake() throws IOException {
        long messages = 0;
        long applied = 0;
        for (Map<String, String> c : csv("collectors.csv")) {
            messages += num(c, "messages");
            applied += num(c, "applied");
            assertEquals(num(c, "messages"), num(c, "applied") + num(c, "over_rate") + num(c, "out_of_sequence"), "collector " + c);
        }
        Map<String, Map<String, String>> byPrimitive = new HashMap<>();
        csv("reports.csv").forEach(r -> byPrimitive.put(r.get("primitive"), r));
        // With no loss: N = 2 WRITEs per Key-Write, 2 FETCH_ADDs per Key-Increment, 16 per Sketch-Merge
        // report, one WRITE per postcard row, one per Append batch: the applied total is bounded by these.
        long kw = num(byPrimitive.get("kw"), "applied");
        long ki = num(byPrimitive.get("ki"), "applied");
        long sk = num(byPrimitive.get("sk"), "applied");
        long pc = num(byPrimitive.get("pc"), "applied");
        long ap = num(byPrimitive.get("ap"), "applied");
        assertTrue(applied >= 2 * kw + 2 * ki + sk + (pc + 4) / 5 + (ap + 3) / 4, "too few requests applied: " + applied);
        assertTrue(applied <= 2 * kw + 2 * ki + 16 * sk + pc + ap, "too many requests applied: " + applied);
        assertTrue(messages >= applied);
    }

    @Test
    void everyPromisedOutputIsWritten() {
        for (String f : List.of("summary.txt", "links.csv", "timeseries.csv", "collectors.csv", "losses.csv", "latency.png",
                "readability.png", "postcards.png", "classic.png", "collectors.png", "translator.png", "links.png", "losses.png",
                "run.csv", "classic.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing");
        }
    }

    @Test
    void aBadScenarioFileNamesTheLineTheFieldAndTheAllowedValues(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "topology: leaf-spine\nleaves: 4\nspines: 2\nhosts_per_leaf: 4\nsim_seconds: 0.001\nap_batch: 3\n");
        Ns3.Result r = Ns3.run(List.of(Ns3.PYTHON, Ns3.DRIVER.toString(), "check", bad.toString()), 60);
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains(bad + ":6: field 'ap_batch' = '3' is not allowed: one of 1, 2, 4, 8, 16"), r.stderr());
        Files.writeString(bad, "topology: leaf-spine\nleafs: 4\n");
        r = Ns3.run(List.of(Ns3.PYTHON, Ns3.DRIVER.toString(), "check", bad.toString()), 60);
        assertTrue(r.stderr().contains(bad + ":2: unknown field 'leafs'"), r.stderr());
    }
}
