package net.dta.reporter.load;

/**
 * The keys a load run reports on: key index i (0..n-1) is an IPv4 TCP or UDP 5-tuple in the
 * canonical 16-byte layout (protocol.md 2.2). The map is one-to-one (distinct indices give
 * distinct keys) and scatters neighbouring indices over addresses and ports, the way real flow
 * keys look, so that hot Zipf keys are not all alike.
 *
 * <pre>
 *   p        = i * 0x9E3779B1 mod 2^32                 (a bijection on 32-bit indices)
 *   src ip   = 10.(p bits 16..23).(p bits 8..15).(p bits 0..7)
 *   src port = 1024 + (p bits 24..31)                   (one-to-one with p)
 *   dst ip   = 10.128.(mix(p) bits 8..15).(mix(p) bits 0..7)
 *   dst port = one of 80, 443, 53, 8080, by mix(p)
 *   protocol = 17 (UDP) for dst port 53, else 6 (TCP)
 * </pre>
 */
public final class KeySpace {
    private static final int GOLDEN = 0x9E3779B1;
    private static final int[] PORTS = {80, 443, 53, 8080};

    private KeySpace() {
    }

    /** Writes key {@code index} into {@code key[0..16)}. No allocation. */
    public static void key(long index, byte[] key) {
        int p = (int) index * GOLDEN;
        int mix = Integer.rotateLeft(p * 0x85EBCA6B, 13) ^ p;
        int dstPort = PORTS[(mix >>> 20) & 3];
        key[0] = 10;
        key[1] = (byte) (p >>> 16);
        key[2] = (byte) (p >>> 8);
        key[3] = (byte) p;
        key[4] = 10;
        key[5] = (byte) 128;
        key[6] = (byte) (mix >>> 8);
        key[7] = (byte) mix;
        int srcPort = 1024 + ((p >>> 24) & 0xFF);
        key[8] = (byte) (srcPort >>> 8);
        key[9] = (byte) srcPort;
        key[10] = (byte) (dstPort >>> 8);
        key[11] = (byte) dstPort;
        key[12] = (byte) (dstPort == 53 ? 17 : 6);
        key[13] = 0;
        key[14] = 0;
        key[15] = 0;
    }

    /** Key {@code index} as a new array (control paths and tests). */
    public static byte[] key(long index) {
        byte[] key = new byte[16];
        key(index, key);
        return key;
    }
}
