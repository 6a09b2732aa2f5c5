package net.dta.deployment;

import net.dta.protocol.Addresses;

/**
 * One IPv4 route of a switch ({@code Ingress.ipv4_routes}, lpm on the destination).
 *
 * @param srcMac, dstMac used by {@link Action#FORWARD} only
 */
public record Route(Ipv4Prefix prefix, Action action, int port, long srcMac, long dstMac) {
    public enum Action {
        /** {@code Ingress.forward(port, src_mac, dst_mac)}. */
        FORWARD("forward"),
        /** {@code Ingress.send_to_cpu} (translators only): PacketIn reason 6. */
        TO_CPU("to-cpu"),
        /** {@code Ingress.drop}. */
        DROP("drop");

        private final String configName;

        Action(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Action ofConfigName(String name) {
            for (Action a : values()) {
                if (a.configName.equals(name)) {
                    return a;
                }
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return prefix + " " + (action == Action.FORWARD
                ? "port " + port + " " + Addresses.formatMac(srcMac) + " -> " + Addresses.formatMac(dstMac) : action.configName());
    }
}
