package net.dta.translator.pipeline;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The state a controller programs and the data plane reads: the current {@link Tables} snapshot,
 * the {@link Registers} and the {@link Counters}.
 *
 * <p>Threads: the data-plane thread is the only writer of registers, counters and its own caches.
 * Control-plane changes ({@link #commit}) are therefore handed to it as commands, which it runs
 * between two batches of packets: a new table snapshot and the register writes of one P4Runtime
 * Write take effect together, and the Write returns once they have. Without a data plane (tests
 * of the P4Runtime server alone), commands run on the caller's thread.
 */
public final class Pipeline {
    /** Runs commands on the data-plane thread. */
    public interface Executor {
        /** Queues the command; the future completes once it ran. */
        CompletableFuture<Void> submit(Runnable command);
    }

    /** What the data plane does on register writes and resets besides storing values (its caches). */
    public interface Hooks {
        void registerWrite(RegisterWrite write);

        void reset();
    }

    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    private final Schema schema;
    private final Registers registers;
    private final Counters counters = new Counters();
    private final int fixedSourcePort;
    private volatile Tables tables;
    private volatile Executor executor;
    private volatile Hooks hooks;
    private final Object inline = new Object();

    /**
     * @param fixedSourcePort see {@link Tables#empty}
     */
    public Pipeline(Schema schema, int appendTailSlots, int fixedSourcePort) {
        this.schema = schema;
        this.registers = new Registers(appendTailSlots);
        this.fixedSourcePort = fixedSourcePort;
        this.tables = Tables.empty(schema, fixedSourcePort);
    }

    public Schema schema() {
        return schema;
    }

    public Tables tables() {
        return tables;
    }

    public Registers registers() {
        return registers;
    }

    public Counters counters() {
        return counters;
    }

    /** The data plane attaches itself (null detaches: commands run inline again). */
    public void attach(Executor executor, Hooks hooks) {
        this.executor = executor;
        this.hooks = hooks;
    }

    /**
     * Publishes a new table snapshot (null: keep the current one) and applies register writes, on
     * the data-plane thread; returns once both are in effect.
     */
    public void commit(Tables next, List<RegisterWrite> writes) {
        run(() -> {
            if (next != null) {
                tables = next;
            }
            Hooks h = hooks;
            for (RegisterWrite w : writes) {
                if (h != null) {
                    h.registerWrite(w);
                }
                registers.set(w.register(), w.index(), w.value());
            }
        });
    }

    /** A new forwarding pipeline: empty tables, registers, counters and data-plane caches. */
    public void reset() {
        run(() -> {
            tables = Tables.empty(schema, fixedSourcePort);
            registers.clear();
            counters.clear();
            Hooks h = hooks;
            if (h != null) {
                h.reset();
            }
        });
    }

    private void run(Runnable command) {
        Executor e = executor;
        if (e == null) {
            synchronized (inline) {
                command.run();
            }
            return;
        }
        try {
            e.submit(command).get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the data plane applied a change", ex);
        } catch (ExecutionException ex) {
            throw new IllegalStateException("the data plane failed to apply a change: " + ex.getCause(), ex.getCause());
        } catch (TimeoutException ex) {
            throw new IllegalStateException("the data plane did not apply a change within " + COMMAND_TIMEOUT_SECONDS + " s", ex);
        }
    }
}
