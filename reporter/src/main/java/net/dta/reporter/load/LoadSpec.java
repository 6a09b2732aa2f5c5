package net.dta.reporter.load;

import java.time.Duration;
import java.util.Arrays;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.report.Report;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;

/**
 * What a load run sends; built with {@link #builder}, validated by {@link Builder#build()} (the
 * message names the bad field). Arrays are indexed by {@link Primitive#ordinal()}.
 *
 * @param rate             reports per second over all threads; 0 = as fast as possible
 * @param duration         how long to send (null: until {@code count})
 * @param count            how many reports to send (0: until {@code duration}); postcards that
 *                         complete flows already started are sent after either limit
 * @param mix              relative weights of the primitives (reports, not packets)
 * @param stores           store id of each primitive
 * @param keys             the key space and how keys are drawn (Key-Write, Key-Increment,
 *                         Postcard flows, Sketch-Merge keys)
 * @param flowsInFlight    flows per thread whose postcards are interleaved (each flow sends its
 *                         hops in order; other flows' hops come in between)
 */
public record LoadSpec(ReporterOptions target, double rate, Duration duration, long count, double[] mix, int[] stores,
                       KeyDistribution keys, int keyWriteValueBytes, int keyWriteRedundancy, int keyIncrementRedundancy,
                       int minPathLength, int maxPathLength, int flowsInFlight, int lists, int sketchRows,
                       int sketchLog2Columns, int sketchCounters, int threads, long seed) {
    public static final int MAX_THREADS = 64;

    public static Builder builder(ReporterOptions target) {
        return new Builder(target);
    }

    /** The weight of a primitive as a fraction of all reports. */
    public double share(Primitive p) {
        return mix[p.ordinal()] / Arrays.stream(mix).sum();
    }

    public int store(Primitive p) {
        return stores[p.ordinal()];
    }

    public boolean uses(Primitive p) {
        return mix[p.ordinal()] > 0;
    }

    public String mixText() {
        return PerPrimitive.format(mix);
    }

    /** Defaults: the stores of collector/collector.example.yaml, 1M uniform keys, 5-hop paths. */
    public static final class Builder {
        private final ReporterOptions target;
        private double rate = 100_000;
        private Duration duration;
        private long count;
        private double[] mix = PerPrimitive.parse("kw=40,ki=30,pc=20,ap=5,sk=5", "mix", 0);
        private int[] stores = {1, 2, 3, 4, 5};
        private long keyCount = 1 << 20;
        private String distribution = "uniform";
        private int keyWriteValueBytes = 4;
        private int keyWriteRedundancy;
        private int keyIncrementRedundancy;
        private int minPathLength = 5;
        private int maxPathLength = 5;
        private int flowsInFlight = 16;
        private int lists = 4;
        private int sketchRows = 2;
        private int sketchLog2Columns = 16;
        private int sketchCounters = 16;
        private int threads = 1;
        private long seed = 1;

        private Builder(ReporterOptions target) {
            this.target = target;
        }

        public Builder rate(double reportsPerSecond) {
            this.rate = reportsPerSecond;
            return this;
        }

        public Builder duration(Duration d) {
            this.duration = d;
            return this;
        }

        public Builder count(long reports) {
            this.count = reports;
            return this;
        }

        /** {@code kw=40,ki=30,pc=20,ap=5,sk=5}; primitives not named get 0. */
        public Builder mix(String text) {
            this.mix = PerPrimitive.parse(text, "mix", 0);
            return this;
        }

        /** {@code kw=1,ki=2}: store ids; primitives not named keep theirs. */
        public Builder stores(String text) {
            double[] given = PerPrimitive.parse(text, "stores", -1);
            for (int i = 0; i < given.length; i++) {
                if (given[i] >= 0) {
                    if (given[i] != Math.rint(given[i])) {
                        throw new IllegalArgumentException("stores: store ids are whole numbers, got " + given[i]);
                    }
                    stores[i] = (int) Math.min(given[i], Integer.MAX_VALUE);
                }
            }
            return this;
        }

        public Builder keys(long keys) {
            this.keyCount = keys;
            return this;
        }

        /** {@code uniform} or {@code zipf:<s>}. */
        public Builder distribution(String text) {
            this.distribution = text;
            return this;
        }

        public Builder keyWriteValueBytes(int bytes) {
            this.keyWriteValueBytes = bytes;
            return this;
        }

        public Builder keyWriteRedundancy(int n) {
            this.keyWriteRedundancy = n;
            return this;
        }

        public Builder keyIncrementRedundancy(int n) {
            this.keyIncrementRedundancy = n;
            return this;
        }

        /** Path lengths are drawn uniformly from min..max for each flow. */
        public Builder pathLength(int min, int max) {
            this.minPathLength = min;
            this.maxPathLength = max;
            return this;
        }

        public Builder flowsInFlight(int flows) {
            this.flowsInFlight = flows;
            return this;
        }

        public Builder lists(int lists) {
            this.lists = lists;
            return this;
        }

        public Builder sketch(int rows, int log2Columns, int countersPerReport) {
            this.sketchRows = rows;
            this.sketchLog2Columns = log2Columns;
            this.sketchCounters = countersPerReport;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public LoadSpec build() {
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("rate: must be a number of reports per second >= 0 (0 = as fast as possible), got " + rate);
            }
            boolean timed = duration != null && !duration.isZero();
            if (duration != null && duration.isNegative()) {
                throw new IllegalArgumentException("duration: must be positive, got " + duration);
            }
            if (count < 0) {
                throw new IllegalArgumentException("count: must be positive, got " + count);
            }
            if (!timed && count == 0) {
                throw new IllegalArgumentException("duration/count: give how long (--duration) or how many reports (--count) to send");
            }
            if (Arrays.stream(mix).sum() <= 0) {
                throw new IllegalArgumentException("mix: at least one primitive needs a weight above 0, got " + PerPrimitive.format(mix));
            }
            for (Primitive p : Primitive.values()) {
                int id = stores[p.ordinal()];
                if (mix[p.ordinal()] > 0 && (id < 1 || id > 0xFFFF)) {
                    throw new IllegalArgumentException("stores: the " + p.shortName() + " store id must be 1..65535, got " + id);
                }
            }
            KeyDistribution keys = KeyDistribution.parse(distribution, keyCount);
            if (keyWriteValueBytes != 4 && keyWriteValueBytes != 12 && keyWriteValueBytes != 28) {
                throw new IllegalArgumentException("kw-value-bytes: must be 4, 12 or 28 (the store's slot size minus 4), got " + keyWriteValueBytes);
            }
            range("kw-redundancy", keyWriteRedundancy, 0, 8);
            range("ki-redundancy", keyIncrementRedundancy, 0, 8);
            range("path-length", minPathLength, 1, PostcardLayout.MAX_HOPS);
            range("path-length", maxPathLength, minPathLength, PostcardLayout.MAX_HOPS);
            range("flows-in-flight", flowsInFlight, 1, 1 << 16);
            range("lists", lists, 1, AppendLayout.MAX_LISTS);
            range("sketch-rows", sketchRows, 1, 8);
            range("sketch-columns (log2)", sketchLog2Columns, 1, 29);
            range("sketch-counters", sketchCounters, 1, (int) Math.min(Report.MAX_SKETCH_COUNTERS, 1L << sketchLog2Columns));
            range("threads", threads, 1, MAX_THREADS);
            return new LoadSpec(target, rate, timed ? duration : null, count, mix.clone(), stores.clone(), keys,
                    keyWriteValueBytes, keyWriteRedundancy, keyIncrementRedundancy, minPathLength, maxPathLength, flowsInFlight,
                    lists, sketchRows, sketchLog2Columns, sketchCounters, threads, seed);
        }

        private static void range(String field, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + ": must be " + min + ".." + max + ", got " + value);
            }
        }
    }
}
