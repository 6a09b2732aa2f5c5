package net.dta.reporter.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class KeyDistributionTest {
    @Test
    void zipfSamplesFollowTheExactProbabilities() {
        for (double s : new double[] {0.5, 0.99, 1.0, 1.2, 2.0}) {
            KeyDistribution.Zipf z = KeyDistribution.Zipf.of(50, s);
            SplittableRandom random = new SplittableRandom(7);
            int n = 400_000;
            long[] counts = new long[50];
            for (int i = 0; i < n; i++) {
                counts[(int) z.next(random)]++;
            }
            double chi2 = 0;
            for (int k = 0; k < 50; k++) {
                double expected = z.probability(k) * n;
                chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
            }
            // 49 degrees of freedom: the 99.9th percentile of chi-square is about 85.
            assertTrue(chi2 < 85, "s=" + s + " chi2=" + chi2);
        }
    }

    @Test
    void samplesStayInRangeForHugeKeySpaces() {
        KeyDistribution z = KeyDistribution.parse("zipf:1.1", 1L << 32);
        SplittableRandom random = new SplittableRandom(1);
        long zeros = 0;
        for (int i = 0; i < 100_000; i++) {
            long k = z.next(random);
            assertTrue(k >= 0 && k < 1L << 32);
            if (k == 0) {
                zeros++;
            }
        }
        assertTrue(zeros > 1000, "rank 1 is frequent: " + zeros);
        assertEquals("zipf:1.1", z.describe());
        assertEquals("uniform", KeyDistribution.parse("Uniform", 10).describe());
    }
}
