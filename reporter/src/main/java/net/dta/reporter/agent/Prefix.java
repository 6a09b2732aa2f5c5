package net.dta.reporter.agent;

import net.dta.packetio.Ipv4;

/** An IPv4 prefix as a network-order address and a mask; {@code 10.0.1.1} alone is a /32. */
record Prefix(int network, int mask) {
    static Prefix parse(String text) {
        String[] parts = text.split("/", 2);
        int length = 32;
        if (parts.length == 2) {
            try {
                length = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("'" + text + "': the prefix length is not 0..32");
            }
        }
        int address;
        try {
            address = Ipv4.parse(parts[0]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address or prefix (a.b.c.d or a.b.c.d/len)");
        }
        int mask = length == 0 ? 0 : -1 << (32 - length);
        return new Prefix(address & mask, mask);
    }

    boolean contains(int address) {
        return (address & mask) == network;
    }
}
