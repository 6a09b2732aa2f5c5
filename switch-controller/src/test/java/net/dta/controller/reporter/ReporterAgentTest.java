package net.dta.controller.reporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

import net.dta.controller.p4runtime.P4Entities;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.p4.BinaryStrings;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import org.junit.jupiter.api.Test;
import p4.v1.P4RuntimeOuterClass.FieldMatch;
import p4.v1.P4RuntimeOuterClass.TableEntry;

import static net.dta.p4.ReporterP4Names.*;

/** The entries a reporter switch gets, checked against the reporter P4Info (no switch is contacted). */
class ReporterAgentTest {
    @Test
    void shouldDescribeTheReporterItsFlowsAndItsRoutesInTheReporterPipelinesTerms() throws Exception {
        Deployment d = DeploymentLoader.parse("d.yaml", new StringReader("""
                collectors:
                  - {name: c, address: 10.0.0.2}
                stores:
                  - {name: queue-depth, id: 1, kind: key-write}
                  - {name: flow-bytes, id: 2, kind: key-increment}
                  - {name: paths, id: 3, kind: postcard}
                  - {name: drops, id: 4, kind: append}
                translators:
                  - {name: t, p4runtime: "127.0.0.1:9559", address: 10.0.0.1, mac: "02:00:00:00:00:01"}
                reporters:
                  - name: leaf
                    p4runtime: "127.0.0.1:1"
                    switch-id: 7
                    address: 10.0.1.1
                    mac: "02:00:00:00:01:01"
                    translator: t
                    report-port: 3
                    events: {store: drops, list: 2, congestion-threshold: 500}
                    routes:
                      - {prefix: 10.0.2.0/24, port: 1, dst-mac: "02:00:00:00:02:01"}
                    flows:
                      - {dst: 10.0.2.0/24, protocol: 6, postcard: {store: paths, hop: 1, path-length: 3}, queue-depth: queue-depth}
                      - {src-port: 53, bytes: flow-bytes, sample-log2: 4}
                """), Path.of("."), null);
        try (ReporterAgent agent = new ReporterAgent(d.reporters().get(0), d, d.controller())) {
            P4Entities p4 = new P4Entities(new P4InfoIndex(P4InfoFiles.reporterV1model()));
            List<TableEntry> entries = List.copyOf(agent.desired().values());
            assertEquals(4, entries.size());
            TableEntry route = entries.get(0);
            assertEquals(24, route.getMatch(0).getLpm().getPrefixLen());
            assertEquals(0x020000000101L, p4.param(route, FORWARD, P_SRC_MAC));

            TableEntry reporter = entries.get(1);
            assertTrue(reporter.getIsDefaultAction());
            assertEquals(7, p4.param(reporter, SET_REPORTER, P_SWITCH_ID));
            assertEquals(0x0A000101L, p4.param(reporter, SET_REPORTER, P_REPORTER_IP));
            assertEquals(0x0A000001L, p4.param(reporter, SET_REPORTER, P_TRANSLATOR_IP));
            assertEquals(0x020000000001L, p4.param(reporter, SET_REPORTER, P_DST_MAC), "next hop: the translator's MAC");
            assertEquals(4, p4.param(reporter, SET_REPORTER, P_EVENTS_STORE));
            assertEquals(2, p4.param(reporter, SET_REPORTER, P_EVENTS_LIST));
            assertEquals(500, p4.param(reporter, SET_REPORTER, P_CONGESTION_THRESHOLD));

            TableEntry first = entries.get(2);
            assertEquals(2, first.getPriority(), "earlier rules win");
            assertEquals(2, first.getMatchCount());
            FieldMatch dst = first.getMatchList().stream().filter(m -> m.getFieldId() == p4.index().matchField(FLOWS, F_DST_ADDR).getId())
                    .findFirst().orElseThrow();
            assertEquals(0xFFFFFF00L, BinaryStrings.decode(dst.getTernary().getMask()));
            assertEquals(3, p4.param(first, MONITOR_FLOW, P_POSTCARD_STORE));
            assertEquals(1, p4.param(first, MONITOR_FLOW, P_HOP));
            assertEquals(3, p4.param(first, MONITOR_FLOW, P_PATH_LEN));
            assertEquals(1, p4.param(first, MONITOR_FLOW, P_QUEUE_STORE));
            assertEquals(0, p4.param(first, MONITOR_FLOW, P_BYTES_STORE));

            TableEntry second = entries.get(3);
            assertEquals(1, second.getPriority());
            assertEquals(1, second.getMatchCount());
            assertEquals(2, p4.param(second, MONITOR_FLOW, P_BYTES_STORE));
            assertEquals(4, p4.param(second, MONITOR_FLOW, P_SAMPLE_LOG2));
        }
    }
}
