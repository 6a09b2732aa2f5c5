package net.dta.deployment;

import java.util.List;

/**
 * A P4 reporter switch (p4/reporter, docs/p4.md "Reporter"): what the controller writes into
 * {@code Egress.dta_reporter}, {@code Egress.dta_flows}, {@code Ingress.ipv4_routes} and clone
 * session 501.
 *
 * @param device how the controller reaches it
 * @param translator the translator its reports go to (by name)
 * @param reportPort the egress port of clone session 501 (towards the translator)
 * @param nextHopMac destination MAC of reports (default: the translator's MAC)
 * @param events Append event reporting, or null for none
 */
public record ReporterSpec(SwitchEndpoint device, long switchId, int address, long mac, String translator,
                           int reportPort, long nextHopMac, Events events, List<Route> routes, List<Flow> flows) {
    public ReporterSpec {
        routes = List.copyOf(routes);
        flows = List.copyOf(flows);
    }

    public String name() {
        return device.name();
    }

    /** Drop and congestion events appended to a list of an Append store. */
    public record Events(String store, long list, long congestionThreshold) {
    }

    /**
     * One {@code Egress.dta_flows} entry: ternary match on the 5-tuple (null = wildcard) and what to
     * report. Store names are null for "do not report".
     */
    public record Flow(Ipv4Prefix src, Ipv4Prefix dst, Integer protocol, Integer srcPort, Integer dstPort, int priority,
                       String postcardStore, int hop, int pathLength, String queueStore, String bytesStore, int sampleLog2) {
    }
}
