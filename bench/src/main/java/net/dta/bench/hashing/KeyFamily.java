package net.dta.bench.hashing;

import java.util.SplittableRandom;

/**
 * The key families operators use (issue 17), as 16-byte DTA keys. A family is drawn for one run
 * with a seed: the random parts (bases, fixed addresses) come from the seed; structured keys are
 * then a function of i, random ones the next draws of the run's generator (so keys are made in
 * order, i = 0, 1, ..). Layouts follow protocol.md 2.2: 5-tuples in the canonical layout, short
 * keys left-aligned and zero-padded.
 */
public enum KeyFamily {
    RANDOM("random 16-byte keys"),
    FIVE_TUPLES("random 5-tuples (TCP)"),
    SEQUENTIAL_SOURCE_PORTS("5-tuples with sequential source ports"),
    SUBNET_HOSTS("hosts of one /16, fixed destination"),
    SWITCH_PORT("(switch id u32, port u16), 64 ports"),
    SWITCH_QUEUE("(switch id u32, queue u8), 8 queues"),
    COUNTERS("sequential counters (u64)"),
    ONE_BIT("keys one bit apart (Gray code)");

    private final String description;

    KeyFamily(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Keys this family can make without repeating (more would repeat keys, which is not what is measured). */
    public long distinctKeys() {
        return switch (this) {
            case SEQUENTIAL_SOURCE_PORTS, SUBNET_HOSTS -> 1L << 16;
            default -> Long.MAX_VALUE;
        };
    }

    /** One run's draw of the family. */
    public Draw draw(long seed) {
        return new Draw(this, new SplittableRandom(seed));
    }

    /** The random choices of one run; {@link #key} writes key i. */
    public static final class Draw {
        private final KeyFamily family;
        private final SplittableRandom random;
        private final long base;
        private final int fixedA;
        private final int fixedB;
        private final byte[] prefix = new byte[8];

        Draw(KeyFamily family, SplittableRandom random) {
            this.family = family;
            this.random = random;
            this.base = random.nextLong();
            this.fixedA = random.nextInt();
            this.fixedB = random.nextInt();
            random.nextBytes(prefix);
        }

        /** Writes key i into {@code out} (16 bytes, overwritten whole); call with i = 0, 1, .. in order. */
        public void key(long i, byte[] out) {
            java.util.Arrays.fill(out, (byte) 0);
            switch (family) {
                case RANDOM -> random.nextBytes(out);
                case FIVE_TUPLES -> {
                    put(out, 0, random.nextInt(), 4);
                    put(out, 4, random.nextInt(), 4);
                    put(out, 8, random.nextInt(1 << 16), 2);
                    put(out, 10, random.nextInt(1 << 16), 2);
                    out[12] = 6;
                }
                case SEQUENTIAL_SOURCE_PORTS -> {
                    put(out, 0, fixedA, 4);
                    put(out, 4, fixedB, 4);
                    put(out, 8, base + i, 2);
                    put(out, 10, 80, 2);
                    out[12] = 6;
                }
                case SUBNET_HOSTS -> {
                    put(out, 0, (fixedA & 0xFFFF_0000L) | ((base + i) & 0xFFFF), 4);
                    put(out, 4, fixedB, 4);
                    put(out, 8, 40000, 2);
                    put(out, 10, 443, 2);
                    out[12] = 6;
                }
                case SWITCH_PORT -> {
                    put(out, 0, (base & 0xFFFF) + i / 64, 4);
                    put(out, 4, i % 64, 2);
                }
                case SWITCH_QUEUE -> {
                    put(out, 0, (base & 0xFFFF) + i / 8, 4);
                    put(out, 4, i % 8, 1);
                }
                case COUNTERS -> put(out, 0, (base >>> 32) + i, 8);
                case ONE_BIT -> {
                    long g = (base >>> 32) + i;
                    System.arraycopy(prefix, 0, out, 0, 8);
                    put(out, 8, g ^ (g >>> 1), 8);
                }
            }
        }

        private static void put(byte[] out, int offset, long value, int bytes) {
            for (int b = 0; b < bytes; b++) {
                out[offset + b] = (byte) (value >>> (8 * (bytes - 1 - b)));
            }
        }
    }
}
