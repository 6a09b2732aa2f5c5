package net.dta.packetio;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import net.dta.protocol.Addresses;

/** IPv4 addresses as network-order ints (10.0.0.1 = 0x0A000001), the form the wire code uses. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static int toInt(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("IPv4 address expected, got " + address);
        }
        byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** Parses a dotted quad in the grammar of {@link Addresses#parseIpv4}; throws when malformed. */
    public static int parse(String dotted) {
        Integer v = Addresses.parseIpv4(dotted);
        if (v == null) {
            throw new IllegalArgumentException("not an IPv4 address (four decimal octets like 10.0.0.1): " + dotted);
        }
        return v;
    }

    public static InetAddress toInetAddress(int address) {
        try {
            return InetAddress.getByAddress(toBytes(address));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] toBytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    public static int fromBytes(byte[] b) {
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    public static String format(int address) {
        return Addresses.formatIpv4(address);
    }
}
