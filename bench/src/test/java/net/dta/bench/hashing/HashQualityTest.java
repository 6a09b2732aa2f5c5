package net.dta.bench.hashing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * The promises of protocol.md section 3 for the store-format-2 hashes, over every key family of
 * docs/hashing.md: Key-Write readability within 2 percentage points of 1 - (1 - e^(-Nk/S))^N at
 * k/S = 0.25, 0.5, 1 and 2 for N = 1, 2, 4, 8, and Count-Min within its error bound and within
 * 2 pp of the random-hash overestimate rate.
 *
 * <p>Why 2 pp is a sound tolerance here: each checkpoint averages the keys with loads in
 * [x - 0.05, x + 0.05), 0.1 * S = 1638 keys per run, over 16 runs: 26 214 keys. For a random hash
 * the readable fraction is binomial with standard deviation at most 0.5 / sqrt(26214) = 0.31 pp,
 * so 2 pp is 6.4 standard deviations (two-sided tail about 2e-10; times 128 checkpoints, about
 * 2e-8): a hash that behaves randomly cannot fail by chance, while format 1's structural errors
 * (10 to 50 pp, checked below) cannot pass. The Count-Min overestimate rate is measured over 16
 * runs of 8192 or 32768 keys (131 072 or more keys, standard deviation at most 0.14 pp). The key
 * draws use fixed seeds, so the test is also deterministic.
 */
class HashQualityTest {
    static final int LOG2_SLOTS = 14;
    static final int RUNS = 16;
    static final double TOLERANCE_PP = 2.0;

    @Test
    void format2ReadabilityFollowsTheFormulaForEveryKeyFamily() {
        List<String> failures = new ArrayList<>();
        double worst = 0;
        for (KeyFamily family : KeyFamily.values()) {
            for (int n : HashingReport.REDUNDANCIES) {
                Readability r = Readability.measure(HashCandidate.FORMAT2_CRC_MIX, family, n, LOG2_SLOTS, 2.1, RUNS,
                        HashingReport.seed(family));
                for (double c : HashingReport.CHECKPOINTS) {
                    Readability.Window w = r.window(c);
                    assertTrue(w.keys() >= RUNS * 1600L, "too few keys at " + c + " for " + family);
                    worst = Math.max(worst, w.deviationPp());
                    if (w.deviationPp() > TOLERANCE_PP) {
                        failures.add(String.format(Locale.ROOT, "%s N=%d k/S=%.2f: %.4f readable, formula %.4f", family, n, c,
                                w.measured(), w.expected()));
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), "readability more than " + TOLERANCE_PP + " pp from the formula: " + failures);
        System.out.printf(Locale.ROOT, "format 2: largest deviation at the checkpoints %.2f pp%n", worst);
    }

    @Test
    void format2CountMinStaysWithinItsBoundForEveryKeyFamily() {
        List<String> failures = new ArrayList<>();
        for (KeyFamily family : KeyFamily.values()) {
            for (int keys : new int[] {1 << (LOG2_SLOTS - 1), 2 << LOG2_SLOTS}) {
                for (int d : HashingReport.CM_ROWS) {
                    CountMin m = CountMin.measure(HashCandidate.FORMAT2_CRC_MIX, family, d, LOG2_SLOTS, keys, RUNS,
                            HashingReport.seed(family));
                    double dev = Math.abs(m.overestimated() - m.expectedOverestimated()) * 100;
                    if (m.beyondBound() > m.delta() || dev > TOLERANCE_PP) {
                        failures.add(String.format(Locale.ROOT, "%s n=%d d=%d: P[err>eps*total]=%.4f (delta %.4f), "
                                + "P[err>0]=%.4f (random hash %.4f)", family, keys, d, m.beyondBound(), m.delta(), m.overestimated(),
                                m.expectedOverestimated()));
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), "Count-Min off its promise: " + failures);
    }

    /** The suite must be able to fail: format 1 (rotated CRC-32) is far off for counters and (switch, port) keys. */
    @Test
    void theSuiteCatchesFormat1OnStructuredKeys() {
        for (KeyFamily family : new KeyFamily[] {KeyFamily.COUNTERS, KeyFamily.SWITCH_PORT}) {
            Readability r = Readability.measure(HashCandidate.FORMAT1_ROTATIONS, family, 1, LOG2_SLOTS, 2.1, 4,
                    HashingReport.seed(family));
            double worst = 0;
            for (double c : HashingReport.CHECKPOINTS) {
                worst = Math.max(worst, r.window(c).deviationPp());
            }
            assertTrue(worst > 10, family + ": format 1 only " + worst + " pp off; the suite would not tell a linear hash apart");
        }
    }
}
