package net.dta.mininet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code ./dta mininet TOPOLOGY ... --check FILE} and reads what it recorded; skips (or, with
 * {@code DTA_REQUIRE_MININET=1}, fails) when the runner exits 3 for a missing prerequisite. And the
 * assertions every fabric's traffic run must pass.
 */
final class FabricRun {
    private static final int MISSING_PREREQUISITE = 3;

    private FabricRun() {
    }

    static JsonNode run(String topology, List<String> options) throws IOException, InterruptedException {
        Path module = Path.of(System.getProperty("user.dir"));
        Path root = module.getParent();
        Path out = module.resolve("target/mininet");
        Files.createDirectories(out);
        String name = topology + (options.contains("--software") ? "-software" : "");
        Path log = out.resolve(name + ".log");
        Path check = out.resolve(name + "-check.json");
        Files.deleteIfExists(check);
        List<String> command = new ArrayList<>(List.of(root.resolve("dta").toString(), "mininet", topology));
        command.addAll(options);
        command.addAll(List.of("--run-dir", out.resolve("run-" + name).toString(), "--check", check.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("DTA_NO_BUILD", "1"); // the reactor built the components before this module
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroy();   // SIGTERM: the runner tears the fabric down
            p.waitFor(60, TimeUnit.SECONDS);
            p.destroyForcibly();
            throw new AssertionError("the fabric run did not finish in 10 minutes; log: " + log);
        }
        String output = Files.readString(log);
        System.out.printf("%s run: %.0f s%n%s%n", topology, (System.nanoTime() - start) / 1e9, tail(output, 40));
        if (p.exitValue() == MISSING_PREREQUISITE) {
            if ("1".equals(System.getenv("DTA_REQUIRE_MININET"))) {
                throw new AssertionError("the Mininet fabric is required (DTA_REQUIRE_MININET=1) but cannot run: " + output.strip());
            }
            Assumptions.abort("the Mininet fabric cannot run here: " + output.strip());
        }
        assertEquals(0, p.exitValue(), "the fabric run failed; log: " + log + "\n" + tail(output, 30));
        return new ObjectMapper().readTree(check.toFile());
    }

    /**
     * Every ping answered, every datagram forwarded; for every flow the path the query service
     * returns is, hop by hop, the path the topology's routes take, and the Key-Increment bytes are
     * at least the IPv4 bytes sent; the traffic mixes one-hop and multi-hop paths.
     */
    static void assertFlows(JsonNode result, int expectedFlows) {
        for (JsonNode ping : result.get("pings")) {
            assertTrue(ping.get(2).asBoolean(), "ping " + ping.get(0).asText() + " -> " + ping.get(1).asText() + " through the reporters");
        }
        JsonNode flows = result.get("flows");
        assertEquals(expectedFlows, flows.size());
        int multiHop = 0;
        for (JsonNode f : flows) {
            String key = f.get("key").asText();
            assertEquals(f.get("sent").get("packets").asLong(), f.get("received").get("packets").asLong(),
                    key + ": every datagram forwarded to the receiver");
            List<Long> expected = new ArrayList<>();
            f.get("expected_path").forEach(id -> expected.add(id.asLong()));
            List<Long> valid = new ArrayList<>();
            for (JsonNode hop : f.get("path_answer").get("hops")) {
                if (hop.get("valid").asBoolean()) {
                    assertEquals(valid.size(), hop.get("index").asInt(), key + ": valid hops are contiguous from 0: " + f.get("path_answer"));
                    valid.add(hop.get("switch_id").asLong());
                }
            }
            assertEquals(expected, valid, key + ": the path the query service returns, hop by hop (switch ids), is the path "
                    + f.get("expected_switches") + " the topology's routes take");
            multiHop += expected.size() > 1 ? 1 : 0;
            long sent = f.get("sent").get("ip_bytes").asLong();
            long counted = f.get("bytes_answer").get("estimate").asLong();
            assertTrue(counted >= sent, key + ": Key-Increment bytes " + counted + " under the " + sent + " IPv4 bytes sent");
        }
        assertTrue(multiHop > 0 && multiHop < flows.size(), "the traffic mixes one-hop and multi-hop flows");
    }

    /** After the link went down and the controller applied the rewritten deployment, a new flow takes the path around it. */
    static void assertFailureRerouted(JsonNode f) {
        assertEquals(f.get("sent").asLong(), f.get("received").asLong(), "every datagram arrives around the failed link " + f.get("link"));
        List<Long> expected = new ArrayList<>();
        f.get("expected_path").forEach(id -> expected.add(id.asLong()));
        List<Long> before = new ArrayList<>();
        f.get("path_before").forEach(id -> before.add(id.asLong()));
        List<Long> valid = new ArrayList<>();
        f.get("valid_hops").forEach(id -> valid.add(id.asLong()));
        assertTrue(!expected.equals(before), "the failed link was on the flow's path: " + before);
        assertEquals(expected, valid, "the path the query service returns goes around the failed link " + f.get("link"));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
