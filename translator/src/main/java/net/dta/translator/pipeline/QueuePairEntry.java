package net.dta.translator.pipeline;

import net.dta.rdma.wire.RoceRoute;

/**
 * One entry of {@code Ingress.dta_queue_pairs} with the route its requests take, resolved through
 * {@code Ingress.ipv4_routes} when the tables change (translator-control.md 1): the data plane
 * reads both with one array access.
 *
 * @param route the addressing of the requests (MACs from the route, UDP source port of the mode)
 * @param egress what the route does with them
 */
public record QueuePairEntry(int collector, int collectorIp, int translatorIp, int remoteQpn, RoceRoute route,
                             RouteAction egress) {
    /** The translator's QPN towards this collector. */
    public int localQpn() {
        return 0x000100 + collector;
    }
}
