package net.dta.mininet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the restart scenarios ({@code --collector-restart}, {@code --translator-restart},
 * mininet/dta_mininet/restarts.py) must show, from what the runner recorded: the controller's
 * status at each step and the query service's answers for the flows of each phase.
 */
final class RestartChecks {
    private RestartChecks() {
    }

    /**
     * A collector killed with SIGKILL: its queue pair goes down (the other stays up), the reports for
     * it are dropped and counted while the other collector's flows land; started again, it
     * announces itself, its queue pair is up again with its new boot id, new flows land on both
     * collectors, and every answer it gave before the kill is still given.
     */
    static void assertCollectorRestart(JsonNode r) {
        String victim = r.get("victim").asText();
        String survivor = r.get("survivor").asText();
        JsonNode t = r.get("translator");
        JsonNode down = t.get("queue_pair_down").get("queue_pairs");
        assertFalse("up".equals(down.get(victim).get("state").asText()), "the killed collector's queue pair goes down: " + down);
        assertEquals("up", down.get(survivor).get("state").asText(), "the other collector's queue pair stays up: " + down);
        assertEquals(0, t.get("while_down").get("queue_pairs").get(survivor).get("downs").asLong(),
                "the other collector's queue pair never went down: " + t.get("while_down"));
        long dropped = t.get("while_down").get("drops").get("queue_pair_down").asLong()
                - t.get("before_kill").get("drops").get("queue_pair_down").asLong();
        long lost = t.get("while_down").get("queue_pairs").get(victim).get("lost_packets").asLong();
        assertTrue(dropped > 0, "the reports for the dead collector are counted as dropped (queue_pair_down): " + t);
        assertTrue(lost > 0, "the requests written to it before its death was found are counted as lost: " + t);

        int victimFlows = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = r.get("while_down").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (survivor.equals(f.getValue().get("collector").asText())) {
                assertTrue(f.getValue().get("complete").asBoolean(), f.getKey() + ": the other collector's flows land meanwhile: " + f.getValue());
            } else {
                victimFlows++;
            }
        }
        assertTrue(victimFlows > 0, "some flows of the down phase belong to the killed collector: " + r.get("while_down"));

        JsonNode back = t.get("back_up").get("queue_pairs").get(victim);
        assertEquals("up", back.get("state").asText(), "the restarted collector's queue pair is up: " + back);
        // compared as numbers: the ready file writes 16 hex digits, the controller's status no leading zeros
        assertEquals(Long.parseUnsignedLong(r.get("boot_id_after").asText(), 16), Long.parseUnsignedLong(back.get("boot_id").asText(), 16),
                "connected to the restarted process: " + back);
        assertEquals(1, r.get("announcements").size(), "the restarted collector announced itself: " + r.get("announcements"));
        assertTrue(r.get("announcements").get(0).asText().contains(": ok:"), "the controller accepted it: " + r.get("announcements"));
        assertLanded(r.get("after"), victim, "after the restart");
        assertLanded(r.get("before"), victim, "before the kill");
        assertEquals(r.get("before"), r.get("before_after_restart"), "what the collectors held before the kill is still there");
    }

    /**
     * The translator switch killed with SIGKILL and started again with no program: the controller
     * pushed the pipeline again, and new flows land on both collectors (the second round of them:
     * the first reports after programming are not all counted by BMv2, docs/mininet.md "Limits").
     */
    static void assertTranslatorRestart(JsonNode r) {
        JsonNode programmed = r.get("translator").get("programmed");
        assertTrue(programmed.get("pipeline_pushes").asLong() > r.get("translator").get("before_kill").get("pipeline_pushes").asLong(),
                "the controller pushed the pipeline to the restarted switch: " + programmed);
        programmed.get("queue_pairs").forEach(q -> assertEquals("up", q.get("state").asText(), "queue pairs connected again: " + programmed));
        assertTrue(r.get("reports_sent_while_down").asLong() > 0, "reports were sent while the translator was down: " + r);
        assertLanded(r.get("resumed"), null, "after the translator restart");
    }

    /**
     * Every flow's path is complete and its counter at least the bytes sent; with a collector named,
     * some flows are on it.
     */
    private static void assertLanded(JsonNode answers, String collector, String when) {
        int on = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = answers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            assertTrue(f.getValue().get("complete").asBoolean(), f.getKey() + " " + when + ": its whole path and bytes are there: " + f.getValue());
            on += f.getValue().get("collector").asText().equals(collector) ? 1 : 0;
        }
        assertTrue(collector == null || on > 0, "some flows " + when + " are on " + collector + ": " + answers);
    }
}
