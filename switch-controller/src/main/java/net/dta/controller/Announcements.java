package net.dta.controller;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import net.dta.protocol.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import net.dta.common.admin.AdminServer.Answer;
import net.dta.common.status.StatusJson;
import net.dta.controller.translator.TranslatorAgent;

/**
 * {@code POST /announce} on the controller's admin endpoint (docs/reliability.md "Announcements"):
 * a collector or translator that has just started says so, and the controller acts at once
 * instead of at the end of its back-off. A collector: its queue pairs that it does not hold
 * (restored after a clean stop) are connected now. A translator: its session is opened now and the switch is
 * re-programmed. The endpoint has the admin endpoint's TLS and credentials (docs/security.md); a
 * body that is not a valid announcement is refused with 400 naming the field, counted and logged.
 */
final class Announcements {
    private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** A bad announcement: its status code and why. */
    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    long accepted() {
        return accepted.get();
    }

    long refused() {
        return refused.get();
    }

    Answer handle(byte[] body, List<TranslatorAgent> translators) {
        try {
            JsonNode n;
            try {
                n = StatusJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new Refused(400, "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (n == null || !n.isObject()) {
                throw new Refused(400, "an announcement is a JSON object");
            }
            String component = n.path("component").asText("");
            int address = address(n, "address");
            long bootId = bootId(n);
            String text = switch (component) {
                case "collector" -> collector(n, address, bootId, translators);
                case "translator" -> translator(address, translators);
                default -> throw new Refused(400, "component: must be \"collector\" or \"translator\", got \"" + component + "\"");
            };
            accepted.incrementAndGet();
            return new Answer(200, text);
        } catch (Refused e) {
            refused.incrementAndGet();
            LOG.warn("refused an announcement ({}): {}", e.status, e.getMessage());
            return new Answer(e.status, e.getMessage());
        }
    }

    private static String collector(JsonNode n, int address, long bootId, List<TranslatorAgent> translators) throws Refused {
        boolean processCm = "process".equals(n.path("cm_state").asText(""));
        // After a kill -9 or a crash the queue pairs a collector restored carry PSNs saved up to one
        // persist interval earlier: behind what it had applied, so the translator's requests are
        // ahead and it NAKs them once, then drops them (docs/reliability.md "Restored queue pairs
        // after a crash"). Only a clean stop's save is exact: otherwise none counts as held.
        boolean cleanStop = n.path("clean_stop").asBoolean(true);
        if (!cleanStop && !n.path("queue_pairs").isEmpty()) {
            LOG.info("collector {} restarted after an unclean stop (kill -9 or crash): its {} restored queue pair(s) may "
                    + "expect PSNs behind the translator's; re-connecting them", Addresses.formatIpv4(address),
                    n.path("queue_pairs").size());
        }
        int connecting = 0;
        boolean known = false;
        for (TranslatorAgent t : translators) {
            Map<Integer, Integer> held = new HashMap<>();
            for (JsonNode q : n.path("queue_pairs")) {
                if (cleanStop && address(q, "remote_address") == t.spec().address()) {
                    held.put(q.path("remote_qpn").asInt(-1), q.path("qpn").asInt(-1));
                }
            }
            if (t.collects(address)) {
                known = true;
                connecting += t.collectorAnnounced(address, bootId, held, processCm);
            }
        }
        if (!known) {
            throw new Refused(404, "no translator of this deployment has a collector at " + Addresses.formatIpv4(address)
                    + ": add it to the deployment's collectors, or fix the collector's network.address");
        }
        return "ok: connecting " + connecting + " queue pair(s) now";
    }

    private static String translator(int address, List<TranslatorAgent> translators) throws Refused {
        for (TranslatorAgent t : translators) {
            if (t.spec().address() == address) {
                t.announced("translator " + t.spec().name() + " (" + Addresses.formatIpv4(address) + ")");
                return "ok: re-programming translator " + t.spec().name();
            }
        }
        throw new Refused(404, "no translator of this deployment has the address " + Addresses.formatIpv4(address)
                + ": fix the translator's network.address or the deployment's translators[].address");
    }

    private static int address(JsonNode n, String field) throws Refused {
        Integer a = Addresses.parseIpv4(n.path(field).asText(""));
        if (a == null) {
            throw new Refused(400, field + ": must be an IPv4 address like 10.0.0.2, got " + n.path(field));
        }
        return a;
    }

    private static long bootId(JsonNode n) throws Refused {
        String text = n.path("boot_id").asText("");
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new Refused(400, "boot_id: must be 1..16 hex digits, got \"" + text + "\"");
        }
    }
}
