package net.dta.controller.translator;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.dta.common.admin.AdminClient;
import net.dta.controller.cm.ConnectException;
import net.dta.controller.cm.ConnectStep;
import net.dta.deployment.CollectorSpec;

/**
 * Explains a CM REQ that drew no REP when the collector's admin endpoint can tell why (issue 13
 * item 11): a raw-mode collector verifies every ICRC, a UDP-mode translator cannot write exact
 * ones (the kernel writes its IPv4 header), so its REQs are dropped as bad_icrc and it never
 * connects. The collector's /status says whether it verifies ICRCs and how many failed.
 */
final class ModeMismatch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModeMismatch() {
    }

    /** The failure's message, with the diagnosis appended when the collector's status gives one. */
    static String explain(CollectorSpec c, ConnectException e) {
        if (e.step() != ConnectStep.CM_REQ || c.admin() == null) {
            return e.getMessage();
        }
        JsonNode status;
        try {
            status = JSON.readTree(AdminClient.get(c.admin().toString(), "/status", 1, "collector"));
        } catch (IOException | RuntimeException unreachable) {
            return e.getMessage(); // the collector's admin endpoint does not answer either: the original question stands
        }
        boolean verifies = status.at("/ingest/icrc_verified").asBoolean(false);
        long icrcFailures = status.at("/endpoint/icrc_failures").asLong(0);
        String mode = status.at("/ingest/mode").asText("?");
        if (verifies && icrcFailures > 0) {
            return e.getMessage() + " It runs (its admin endpoint answers) in " + mode + " ingest mode, verifies ICRCs and has dropped "
                    + icrcFailures + " packet(s) with a bad ICRC: the translator's REQs fail its ICRC check. This is a mode mismatch: "
                    + "a translator in network.mode udp cannot write exact ICRCs; run it in network.mode raw (root or CAP_NET_RAW), "
                    + "or the collector with network.ingest udp.";
        }
        return e.getMessage() + " It runs (its admin endpoint answers, " + mode + " ingest) but did not answer: check its address and "
                + "CM port in the deployment, and the route from the translator.";
    }
}
