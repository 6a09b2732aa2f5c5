package net.dta.bench.hashing;

import java.util.SplittableRandom;

import net.dta.protocol.hash.DtaHash;

/**
 * Hashing cost per Key-Write report in the translator (bucket, N slot indices, tag) and per
 * Key-Write query in a reader (N slot indices, N tag checks), with the format-1 hashes (one
 * rotated-key CRC per index) and the format-2 hashes (one key CRC, then a mix per index), measured
 * alternately in one process so that both see the same machine.
 */
public final class HashCost {
    private static final int KEYS = 4096;
    private final DtaHash hash = new DtaHash();
    private final byte[][] keys = new byte[KEYS][16];
    private final byte[] value = {0, 0, 0, 7};
    private final int redundancy;
    private final int log2;
    /** Keeps results alive so the JIT cannot drop the work. */
    private int sink;

    public HashCost(int redundancy, int log2) {
        this.redundancy = redundancy;
        this.log2 = log2;
        SplittableRandom random = new SplittableRandom(17);
        for (byte[] k : keys) {
            random.nextBytes(k);
        }
    }

    /** One measurement: nanoseconds per operation. */
    public record Result(String operation, String format, double nanos) {
    }

    public enum Operation { REPORT, QUERY }

    public double nanosPerOp(Operation op, boolean format2, long warmupNanos, long measureNanos) {
        run(op, format2, warmupNanos);
        long start = System.nanoTime();
        long ops = run(op, format2, measureNanos);
        return (System.nanoTime() - start) / (double) ops;
    }

    private long run(Operation op, boolean format2, long nanos) {
        long end = System.nanoTime() + nanos;
        long ops = 0;
        while (System.nanoTime() < end) {
            for (byte[] key : keys) {
                sink += op == Operation.REPORT ? (format2 ? report2(key) : report1(key)) : (format2 ? query2(key) : query1(key));
            }
            ops += KEYS;
        }
        return ops;
    }

    private int report1(byte[] key) {
        int acc = hash.h(3, key) & 0xFF;
        for (int i = 0; i < redundancy; i++) {
            acc += hash.h(2 * i, key) & HashCandidate.mask(log2);
        }
        return acc + hash.keyWriteTag(key, value, 0, 4);
    }

    private int report2(byte[] key) {
        int keyHash = hash.keyHash(key);
        int acc = DtaHash.bucket(keyHash);
        for (int i = 0; i < redundancy; i++) {
            acc += DtaHash.index(keyHash, i, log2);
        }
        return acc + hash.keyWriteTag(key, value, 0, 4);
    }

    private int query1(byte[] key) {
        int acc = 0;
        for (int i = 0; i < redundancy; i++) {
            acc += (hash.h(2 * i, key) & HashCandidate.mask(log2)) + hash.keyWriteTag(key, value, 0, 4);
        }
        return acc;
    }

    private int query2(byte[] key) {
        int keyHash = hash.keyHash(key);
        int acc = 0;
        for (int i = 0; i < redundancy; i++) {
            acc += DtaHash.index(keyHash, i, log2) + hash.keyWriteTag(key, value, 0, 4);
        }
        return acc;
    }

    public int sink() {
        return sink;
    }
}
