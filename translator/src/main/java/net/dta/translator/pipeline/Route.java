package net.dta.translator.pipeline;

/**
 * One {@code Ingress.ipv4_routes} entry: an IPv4 prefix and its action.
 *
 * @param port the egress port of a forward (the software translator has port 1)
 */
public record Route(int prefix, int prefixLength, RouteAction action, int port, long sourceMac, long destinationMac) {
    /** The default action of the table: drop. */
    public static final Route DEFAULT = new Route(0, 0, RouteAction.DROP, 0, 0, 0);

    public boolean matches(int address) {
        if (prefixLength == 0) {
            return true;
        }
        int mask = -1 << (32 - prefixLength);
        return (address & mask) == (prefix & mask);
    }
}
