package net.dta.deployment;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** MAC addresses as the low 48 bits of a long (the form the frame writers and P4 parameters take). */
public final class Mac {
    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}");

    private Mac() {
    }

    /** Parses {@code 02:00:0a:00:00:01} (or with '-'); -1 when malformed. */
    public static long parse(String text) {
        if (!TEXT.matcher(text).matches()) {
            return -1;
        }
        return HexFormat.fromHexDigitsToLong(text.replace(":", "").replace("-", ""));
    }

    public static String format(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (b.length() > 0) {
                b.append(':');
            }
            b.append(HexFormat.of().toHexDigits((byte) (mac >>> shift)));
        }
        return b.toString();
    }

    /**
     * The default MAC of an IPv4 address: {@code 02:00:a:b:c:d}, locally administered and unicast,
     * unique per address. A deployment on loopback never puts it on a wire; real ports give their
     * MACs in the file.
     */
    public static long ofIpv4(int address) {
        return 0x0200_0000_0000L | (address & 0xFFFF_FFFFL);
    }
}
