package net.dta.deployment;

import net.dta.protocol.Addresses;

/**
 * An IPv4 prefix: {@code 10.0.0.0/24}; a bare address is a /32.
 *
 * @param address network order in an int (10.0.0.1 = 0x0A000001), host bits zero
 * @param length 0..32
 */
public record Ipv4Prefix(int address, int length) {
    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length " + length + " is not 0..32");
        }
        if ((address & ~mask(length)) != 0) {
            throw new IllegalArgumentException("host bits set in " + Addresses.formatIpv4(address) + "/" + length);
        }
    }

    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** Parses {@code a.b.c.d/n} or {@code a.b.c.d}; null when malformed or when host bits are set. */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        Integer address = Addresses.parseIpv4(addressText);
        if (address == null) {
            return null;
        }
        int length = 32;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (length < 0 || length > 32 || (address & ~mask(length)) != 0) {
            return null;
        }
        return new Ipv4Prefix(address, length);
    }

    public boolean contains(int ip) {
        return (ip & mask(length)) == address;
    }

    @Override
    public String toString() {
        return Addresses.formatIpv4(address) + "/" + length;
    }
}
