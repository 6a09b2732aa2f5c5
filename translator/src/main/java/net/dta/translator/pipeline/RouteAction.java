package net.dta.translator.pipeline;

/**
 * What {@code Ingress.ipv4_routes} does with a packet: send it out of the network port with the
 * route's MACs, hand it to the controller (PacketIn reason 6), or drop it (the table's default).
 * A forward to any port but the software translator's one network port (1) drops.
 */
public enum RouteAction {
    FORWARD,
    TO_CPU,
    DROP,
    NO_SUCH_PORT
}
