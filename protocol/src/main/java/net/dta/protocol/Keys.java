package net.dta.protocol;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dta.protocol.hash.DtaHash;

/**
 * DTA keys are 16 bytes (protocol.md 2.2): shorter keys are left-aligned and zero-padded. This
 * class turns what people type into keys: hex ({@code 0a000001...}, up to 32 digits) or an IPv4
 * 5-tuple ({@code 10.0.0.1:8080->10.0.0.2:80/tcp}, the canonical layout).
 */
public final class Keys {
    private static final Pattern FIVE_TUPLE = Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})\\s*-?>\\s*(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})/(\\w+)");
    private static final Pattern HEX = Pattern.compile("(?:0x)?([0-9a-fA-F]{2}){1,16}");

    private Keys() {
    }

    public static void check(byte[] key) {
        if (key == null || key.length != DtaHash.KEY_BYTES) {
            throw new IllegalArgumentException("DTA keys are 16 bytes, got " + (key == null ? "none" : key.length + " bytes"));
        }
    }

    /** Left-aligns and zero-pads up to 16 bytes. */
    public static byte[] pad(byte[] shortKey) {
        if (shortKey.length > DtaHash.KEY_BYTES) {
            throw new IllegalArgumentException("a key is at most 16 bytes, got " + shortKey.length);
        }
        byte[] key = new byte[DtaHash.KEY_BYTES];
        System.arraycopy(shortKey, 0, key, 0, shortKey.length);
        return key;
    }

    /** The canonical 5-tuple key: src ip | dst ip | src port | dst port | protocol | 0 0 0. */
    public static byte[] fiveTuple(byte[] srcIp, int srcPort, byte[] dstIp, int dstPort, int protocol) {
        byte[] key = new byte[DtaHash.KEY_BYTES];
        System.arraycopy(srcIp, 0, key, 0, 4);
        System.arraycopy(dstIp, 0, key, 4, 4);
        key[8] = (byte) (srcPort >>> 8);
        key[9] = (byte) srcPort;
        key[10] = (byte) (dstPort >>> 8);
        key[11] = (byte) dstPort;
        key[12] = (byte) protocol;
        return key;
    }

    /** Parses hex or a 5-tuple; the message of the exception shows both accepted forms. */
    public static byte[] parse(String text) {
        String t = text.strip();
        Matcher m = FIVE_TUPLE.matcher(t);
        if (m.matches()) {
            return fiveTuple(ipv4(m.group(1), text), port(m.group(2), text), ipv4(m.group(3), text), port(m.group(4), text),
                    protocol(m.group(5), text));
        }
        if (HEX.matcher(t).matches()) {
            return pad(HexFormat.of().parseHex(t.startsWith("0x") ? t.substring(2) : t));
        }
        throw new IllegalArgumentException("cannot read key \"" + text + "\": give up to 32 hex digits (an even number, "
                + "e.g. 0a0000010a0000021f90005006) or a 5-tuple like 10.0.0.1:8080->10.0.0.2:80/tcp");
    }

    public static String hex(byte[] key) {
        return HexFormat.of().formatHex(key);
    }

    private static byte[] ipv4(String dotted, String text) {
        Integer a = Addresses.parseIpv4(dotted);
        if (a == null) {
            throw new IllegalArgumentException("cannot read key \"" + text + "\": " + dotted + " is not an IPv4 address");
        }
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) (int) a};
    }

    private static int port(String port, String text) {
        int v = Integer.parseInt(port);
        if (v > 65535) {
            throw new IllegalArgumentException("cannot read key \"" + text + "\": port " + port + " is above 65535");
        }
        return v;
    }

    private static int protocol(String name, String text) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            default -> {
                try {
                    int v = Integer.parseInt(name);
                    if (v >= 0 && v <= 255) {
                        yield v;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("cannot read key \"" + text + "\": protocol must be tcp, udp, icmp or 0..255, got " + name);
            }
        };
    }
}
