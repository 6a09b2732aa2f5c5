package net.dta.controller.status;

import java.util.Map;

/** One P4 reporter switch as {@code /status} shows it. */
public record ReporterStatus(String name, String p4runtime, long deviceId, long electionId, String pipeline, String state,
                             String detail, boolean primary, long primaryElectionId, long sessions, long pipelinePushes,
                             long writes, long writeFailures, String lastError, int flows, Map<String, Long> reportsSent) {
}
