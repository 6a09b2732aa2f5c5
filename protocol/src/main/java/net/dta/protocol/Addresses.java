package net.dta.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one grammar of IPv4 and MAC addresses in text (configuration files, command lines, logs;
 * docs/configuration.md) and their forms in the frame writers: an IPv4 address as a network-order
 * int (10.0.0.1 = 0x0A000001), a MAC as the low 48 bits of a long.
 */
public final class Addresses {
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}");
    private static final HexFormat HEX = HexFormat.of();

    private Addresses() {
    }

    /**
     * Null unless the text is exactly four decimal octets 0..255 ({@code 10.0.0.1}): no host
     * names, signs, spaces or the shortened and octal forms {@code inet_aton} also takes.
     */
    public static Integer parseIpv4(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                return null;
            }
            v = v << 8 | octet;
        }
        return v;
    }

    public static String formatIpv4(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    public static Inet4Address inet4(int address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Six hex pairs separated by ':' or '-' ({@code 02:00:0a:00:00:01}); -1 when malformed. */
    public static long parseMac(String text) {
        if (text == null || !MAC.matcher(text).matches()) {
            return -1;
        }
        return HexFormat.fromHexDigitsToLong(text.replace(":", "").replace("-", ""));
    }

    /** Lower-case hex pairs with ':' ({@code 02:00:0a:00:00:01}). */
    public static String formatMac(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (b.length() > 0) {
                b.append(':');
            }
            b.append(HEX.toHexDigits((byte) (mac >>> shift)));
        }
        return b.toString();
    }
}
