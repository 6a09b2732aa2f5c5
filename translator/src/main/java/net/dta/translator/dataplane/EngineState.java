package net.dta.translator.dataplane;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.report.DropReason;
import net.dta.packetio.status.CounterArray;
import net.dta.packetio.status.LogOnce;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Tables;

/**
 * What every part of the {@link Engine} reads: the pipeline's registers and counters, the table
 * snapshot and time of the current batch ({@link #refresh}), the engine's own counters, the
 * report ledger and the log-once slots. One thread (the data plane's) uses it.
 */
final class EngineState {
    static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** A region covers 2^31 bytes of a store (translator-control.md 1): offset >>> SHIFT is its segment. */
    static final int SEGMENT_SHIFT = 31;
    static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;
    // LogOnce slots: drop reasons 0..15, then the others.
    static final int LOG_NOT_LOCAL = DropReason.COUNTER_SLOTS;
    static final int LOG_MALFORMED = LOG_NOT_LOCAL + 1;
    static final int LOG_ROUTE = LOG_MALFORMED + 1;
    static final int LOG_PACKET_OUT = LOG_ROUTE + 1;
    static final int LOG_HELD_LOST = LOG_PACKET_OUT + 1;
    static final int LOG_QP_DOWN = LOG_HELD_LOST + 1;
    static final int LOG_SEND = LOG_QP_DOWN + 1;
    static final int LOG_SPOOFED = LOG_SEND + 1;
    static final int LOG_OUTSIDE_WINDOW = LOG_SPOOFED + 1;
    static final int LOG_WINDOW_FULL = LOG_OUTSIDE_WINDOW + 1;
    private static final int LOG_SLOTS = LOG_WINDOW_FULL + 1;

    final Registers regs;
    final Counters counters;
    final CounterArray stats = new CounterArray(EngineCounter.values().length);
    final LogOnce logOnce = new LogOnce(LOG, LOG_SLOTS);
    final ReportLedger ledger = new ReportLedger();
    private final Pipeline pipeline;
    private final LongSupplier clock;

    /** The table snapshot of the current batch. */
    Tables t;
    /** The time of the current batch (nanoseconds, monotonic). */
    long now;

    EngineState(Pipeline pipeline, LongSupplier clock) {
        this.pipeline = pipeline;
        this.regs = pipeline.registers();
        this.counters = pipeline.counters();
        this.clock = clock;
        refresh();
    }

    void refresh() {
        t = pipeline.tables();
        now = clock.getAsLong();
    }

    void count(EngineCounter c) {
        stats.increment(c.ordinal());
    }

    void count(EngineCounter c, long n) {
        stats.add(c.ordinal(), n);
    }
}
