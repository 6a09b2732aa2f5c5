package net.dta.reporter.load;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import net.dta.protocol.hash.DtaHash;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;

/**
 * One sending thread of a load run: its own {@link DtaReporter} (socket), random generator and
 * rate schedule. Per report it draws the primitive from the mix, then the key (and flow, list,
 * sketch row) from the spec's distributions, and encodes straight into the reporter's batch. No
 * allocation per report.
 *
 * <p>Batching and timing: reports are produced when the schedule says they are due; the batch is
 * sent when it is full, or when its oldest report has waited {@link #LINGER_NANOS}. At high rates
 * every sendmmsg carries a full batch; at low rates each report leaves within 250 µs of its due time.
 * (Shorter than a translator's flush interval, 1 ms by default: a reporter holding reports longer
 * would deliver them in bursts separated by more than the flush interval, and the translator would
 * close Append batches and postcard rows between bursts.)
 *
 * <p>Postcards: the worker keeps {@code flowsInFlight} flows and takes their hops in turn, so the
 * postcards of several flows interleave as they would from several switches; a flow's hops go in
 * path order, one per postcard drawn from the mix. When the run ends, the remaining hops of the
 * flows in flight are sent, so every flow started has all of its postcards sent.
 */
final class LoadWorker implements Runnable {
    static final long LINGER_NANOS = 250_000;
    private static final long MIN_PARK_NANOS = 20_000;

    private final LoadSpec spec;
    private final DtaReporter reporter;
    private final int index;
    private final long limit;
    private final AtomicBoolean stop;
    private final SplittableRandom random;
    private final DtaHash hash = new DtaHash();
    private final RateSchedule schedule;
    private final KeyDistribution keys;
    private final double[] cumulative = new double[Primitive.values().length];
    private final Primitive[] primitives = Primitive.values();
    private final int[] stores;
    private final byte[] key = new byte[DtaHash.KEY_BYTES];
    private final byte[] value;
    private final int[] deltas;
    private final byte[][] flowKeys;
    private final int[] flowLength;
    private final int[] flowNextHop;
    private int flowCursor;
    private int appendSequence;

    private long deadline;
    private long issued;
    private long flowsStarted;
    private long flowsCompleted;
    private long drainPostcards;
    private long endNanos;

    /**
     * @param limit reports this worker sends (Long.MAX_VALUE: until the deadline)
     */
    LoadWorker(LoadSpec spec, DtaReporter reporter, int index, long limit, AtomicBoolean stop) {
        this.spec = spec;
        this.reporter = reporter;
        this.index = index;
        this.limit = limit;
        this.stop = stop;
        this.random = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + index);
        double perThread = spec.rate() / spec.threads();
        this.schedule = new RateSchedule(perThread, Math.max(spec.target().batchSize(), (long) (perThread / 100)));
        this.keys = spec.keys();
        double sum = 0;
        for (Primitive p : primitives) {
            sum += spec.mix()[p.ordinal()];
            cumulative[p.ordinal()] = sum;
        }
        this.stores = spec.stores();
        this.value = new byte[spec.keyWriteValueBytes()];
        this.deltas = new int[spec.sketchCounters()];
        this.flowKeys = new byte[spec.flowsInFlight()][DtaHash.KEY_BYTES];
        this.flowLength = new int[spec.flowsInFlight()];
        this.flowNextHop = new int[spec.flowsInFlight()];
    }

    /** Sets the common start and end times; called before the thread starts. */
    void window(long start, long deadlineNanos) {
        schedule.start(start);
        this.deadline = deadlineNanos;
    }

    @Override
    public void run() {
        try {
            send();
        } finally {
            drainFlows();
            reporter.flush();
            endNanos = System.nanoTime();
        }
    }

    private void send() {
        int batch = spec.target().batchSize();
        long firstPending = 0;
        while (issued < limit && !stop.get()) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return;
            }
            long due = Math.min(schedule.available(now), limit - issued);
            if (schedule.unlimited()) {
                due = Math.min(due, batch);
            }
            for (long i = 0; i < due; i++) {
                if (reporter.pending() == 0) {
                    firstPending = now;
                }
                emit();
            }
            issued += due;
            schedule.issued(due);
            if (schedule.unlimited()) {
                continue;
            }
            int pending = reporter.pending();
            if (pending > 0 && now - firstPending >= LINGER_NANOS) {
                reporter.flush();
                pending = 0;
            }
            // Sleep until the batch would be full, or the oldest pending report has lingered enough,
            // or (nothing pending) the next report is due.
            long wake = pending == 0 ? schedule.dueTime(0)
                    : Math.min(schedule.dueTime(batch - pending - 1), firstPending + LINGER_NANOS);
            wake = Math.min(wake, deadline);
            long wait = wake - System.nanoTime();
            if (wait >= MIN_PARK_NANOS) {
                LockSupport.parkNanos(wait);
            } else if (wait > 0) {
                Thread.onSpinWait();
            }
        }
    }

    private void emit() {
        double r = random.nextDouble() * cumulative[cumulative.length - 1];
        int p = 0;
        while (r >= cumulative[p] && p < cumulative.length - 1) {
            p++;
        }
        switch (primitives[p]) {
            case KEY_WRITE -> keyWrite();
            case KEY_INCREMENT -> keyIncrement();
            case POSTCARD -> postcard();
            case APPEND -> append();
            case SKETCH_MERGE -> sketchMerge();
        }
    }

    private void keyWrite() {
        KeySpace.key(keys.next(random), key);
        if (value.length == 4) {
            // A queue depth in cells.
            int depth = random.nextInt(1 << 16);
            value[0] = 0;
            value[1] = 0;
            value[2] = (byte) (depth >>> 8);
            value[3] = (byte) depth;
        } else {
            random.nextBytes(value);
        }
        reporter.keyWrite(stores[Primitive.KEY_WRITE.ordinal()], key, value, spec.keyWriteRedundancy());
    }

    private void keyIncrement() {
        KeySpace.key(keys.next(random), key);
        // A packet's bytes.
        long delta = 64 + random.nextInt(1500 - 64 + 1);
        reporter.keyIncrement(stores[Primitive.KEY_INCREMENT.ordinal()], key, delta, spec.keyIncrementRedundancy());
    }

    private void postcard() {
        int f = flowCursor;
        flowCursor = flowCursor + 1 == flowLength.length ? 0 : flowCursor + 1;
        if (flowLength[f] == 0) {
            KeySpace.key(keys.next(random), flowKeys[f]);
            flowLength[f] = spec.minPathLength() + random.nextInt(spec.maxPathLength() - spec.minPathLength() + 1);
            flowNextHop[f] = 0;
            flowsStarted++;
        }
        nextHop(f);
    }

    /** Sends the flow's next hop; empties the slot when the path is complete. */
    private void nextHop(int f) {
        int hop = flowNextHop[f]++;
        reporter.postcard(stores[Primitive.POSTCARD.ordinal()], flowKeys[f], hop, flowLength[f], hopValue(flowKeys[f], hop));
        if (flowNextHop[f] == flowLength[f]) {
            flowLength[f] = 0;
            flowsCompleted++;
        }
    }

    /**
     * switch id << 24 | queue depth: the switch of hop h is h << 5 | (32 switches per tier chosen
     * by the flow's source address), the queue depth a random 16-bit count of cells.
     */
    private int hopValue(byte[] flowKey, int hop) {
        int switchId = (hop << 5) | ((flowKey[3] + 7 * hop) & 0x1F);
        return switchId << 24 | random.nextInt(1 << 16);
    }

    private void append() {
        int list = random.nextInt(spec.lists());
        // An event id: the worker in the top byte, its own sequence below (unique per worker).
        int event = (index << 24) | (appendSequence++ & 0xFF_FFFF);
        reporter.append(stores[Primitive.APPEND.ordinal()], list, event);
    }

    private void sketchMerge() {
        KeySpace.key(keys.next(random), key);
        int row = random.nextInt(spec.sketchRows());
        int count = deltas.length;
        long column = hash.index(key, row, spec.sketchLog2Columns());
        // The block of `count` counters that holds the key's column and stays inside its 16-column
        // group (or the whole row, when a row has fewer than 16 columns).
        long group = Math.min(16, 1L << spec.sketchLog2Columns());
        long over = (column & (group - 1)) + count - group;
        long first = over > 0 ? column - over : column;
        for (int j = 0; j < count; j++) {
            deltas[j] = random.nextInt(100);
        }
        reporter.sketchMerge(stores[Primitive.SKETCH_MERGE.ordinal()], row, first, deltas, count);
    }

    private void drainFlows() {
        for (int f = 0; f < flowLength.length; f++) {
            while (flowLength[f] != 0) {
                nextHop(f);
                drainPostcards++;
            }
        }
    }

    DtaReporter reporter() {
        return reporter;
    }

    long flowsStarted() {
        return flowsStarted;
    }

    long flowsCompleted() {
        return flowsCompleted;
    }

    long drainPostcards() {
        return drainPostcards;
    }

    long endNanos() {
        return endNanos;
    }
}
