package net.dta.translator.dataplane;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import net.dta.protocol.UdpFrame;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.RegisterWrite;
import net.dta.translator.telemetry.IntIngress;

/**
 * The data-plane thread (an Agrona {@link Agent} run by an {@link AgentRunner}): receives a batch of
 * reports (recvmmsg) and a batch of RoCEv2 replies, runs them through the {@link Engine}, sends the
 * requests built (sendmmsg), runs PacketOuts and control-plane commands, and the timers. Between
 * batches it spins, yields, then parks for at most {@link #MAX_PARK_NANOS} (a {@link BackoffIdleStrategy}),
 * so timers fire within that of their due time and an idle translator costs little CPU.
 *
 * <p>The only writer of registers, counters and caches. Other threads talk to it through
 * {@link #submit} (control-plane commands, waited for) and {@link #packetOut} (queued). Once the
 * loop has ended (closed or failed) commands run on the caller's thread, one at a time: never while
 * the loop still runs (issue 14 item 7).
 */
public final class DataPlane implements Pipeline.Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);
    /** Longest sleep of an idle loop: the granularity of idle flushes and probes. */
    public static final long MAX_PARK_NANOS = 500_000;
    private static final long TICK_NANOS = 50_000;
    private static final int PACKET_OUT_QUEUE = 1024;
    private static final int SPINS = 50;
    private static final int YIELDS = 20;
    private static final long MIN_PARK_NANOS = 1_000;
    /** How long close() waits for the loop before interrupting it (and waiting again). */
    private static final int CLOSE_RETRY_MILLIS = 10_000;

    private record Command(Runnable action, CompletableFuture<Void> done) {
    }

    private record PacketOut(byte[] frame, int egressPort) {
    }

    private final Pipeline pipeline;
    private final Engine engine;
    private final PacketChannel reports;
    private final PacketChannel roce;
    private final PacketBatch reportBatch;
    private final PacketBatch roceBatch;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    // Lock-free, bounded by a count (the loop polls it every round; an ArrayBlockingQueue took its
    // lock there each time; Agrona's queues need jdk.internal.misc exported, which the launcher does not).
    private final ConcurrentLinkedQueue<PacketOut> packetOuts = new ConcurrentLinkedQueue<>();
    private final AtomicInteger packetOutsQueued = new AtomicInteger();
    private final AgentRunner runner;
    private volatile Thread thread;
    /** Set by the loop's last act (or by close() when it never started): commands then run on their caller. */
    private volatile boolean stopped;
    private volatile Throwable failure;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The report socket's oversized count already turned into drops (data-plane thread). */
    private long oversizedSeen;
    private long lastTick = System.nanoTime();
    // INT ingest (docs/int.md), when enabled: its socket, batch and converter.
    private PacketChannel intReports;
    private PacketBatch intBatch;
    private IntIngress intIngress;
    private long intOversizedSeen;

    /**
     * @param reports the UDP channel on the report port
     * @param roce    the RoCEv2 channel on port 4791 (raw or UDP); the engine's sink sends on it
     */
    public DataPlane(Pipeline pipeline, Engine engine, PacketChannel reports, PacketChannel roce, int batchSize, String name) {
        this.pipeline = pipeline;
        this.engine = engine;
        this.reports = reports;
        this.roce = roce;
        this.reportBatch = new PacketBatch(batchSize);
        this.roceBatch = new PacketBatch(batchSize);
        this.runner = new AgentRunner(new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NANOS, MAX_PARK_NANOS),
                DataPlane::logStop, null, new Loop("dta-translator-" + name));
    }

    /** Receives Telemetry Report datagrams on {@code channel} too, converted by {@code ingress}; call before {@link #start}. */
    public void ingestInt(PacketChannel channel, IntIngress ingress, int batchSize) {
        this.intReports = channel;
        this.intIngress = ingress;
        this.intBatch = new PacketBatch(batchSize);
    }

    public void start() {
        pipeline.attach(this, new Pipeline.Hooks() {
            @Override
            public void registerWrite(RegisterWrite write) {
                engine.registerWrite(write);
            }

            @Override
            public void reset() {
                engine.reset();
            }
        });
        thread = AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
    }

    public Engine engine() {
        return engine;
    }

    /** Whether the loop runs (false before start, once closed or failed). */
    public boolean running() {
        Thread t = thread;
        return !stopped && t != null && t.isAlive();
    }

    /** Whether the loop stopped on an error (it logs it; status shows it). */
    public Throwable failure() {
        return failure;
    }

    @Override
    public CompletableFuture<Void> submit(Runnable command) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        commands.add(new Command(command, done));
        // Queued before reading stopped: either the loop's last drain sees the command, or we see stopped.
        if (stopped) {
            runCommandsStopped();
        } else {
            unpark();
        }
        return done;
    }

    /** Queues a PacketOut; false when the queue is full (the caller reports it). */
    public boolean packetOut(byte[] frame, int egressPort) {
        if (packetOutsQueued.incrementAndGet() > PACKET_OUT_QUEUE) {
            packetOutsQueued.decrementAndGet();
            return false;
        }
        packetOuts.add(new PacketOut(frame, egressPort));
        unpark();
        return true;
    }

    private void unpark() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Reply batches read per loop at most before the next batch of reports. */
    private static final int MAX_REPLY_ROUNDS = 64;

    /** One round of the loop; returns the work done (0: the idle strategy backs off). */
    private int doWork() {
        // In small steps, each below C2's FreqInlineSize (docs/performance.md, "The slow mode").
        int work = runCommands();
        engine.refresh();
        work += receiveReplies();
        work += receiveReports();
        if (intReports != null) {
            work += receiveInt();
        }
        work += runPacketOuts();
        long now = engine.now();
        if (now - lastTick >= TICK_NANOS) {
            engine.tick();
            lastTick = now;
        }
        engine.flush();
        return work;
    }

    /**
     * Replies first, and all of them (bounded): one report may cost several requests, each
     * answered (ATOMIC ACKs), and a NAK queued behind thousands of ACKs would let the translator
     * go on sending into a gap that the responder drops (protocol 5.6).
     */
    private int receiveReplies() {
        int work = 0;
        int rounds = 0;
        int m;
        do {
            m = roce.receiveNow(roceBatch);
            for (int i = 0; i < m; i++) {
                int len = roceBatch.length(i);
                if (len > 0) {
                    engine.roce(roceBatch.segment(), roceBatch.frameOffset(i), len);
                }
            }
            work += m;
        } while (m == roceBatch.capacity() && ++rounds < MAX_REPLY_ROUNDS);
        return work;
    }

    /** One batch of report datagrams through the engine. */
    private int receiveReports() {
        int n = reports.receiveNow(reportBatch);
        long oversized = reports.counters().oversized();
        if (oversized != oversizedSeen) {
            engine.oversized(oversized - oversizedSeen);
            oversizedSeen = oversized;
        }
        for (int i = 0; i < n; i++) {
            int len = reportBatch.length(i);
            if (len > 0) {
                engine.report(reportBatch.segment(), reportBatch.frameOffset(i) + UdpFrame.PAYLOAD_OFFSET, len - UdpFrame.PAYLOAD_OFFSET);
            }
        }
        return n;
    }

    /** Up to 64 queued PacketOuts. */
    private int runPacketOuts() {
        int n = 0;
        PacketOut p;
        while (n < 64 && (p = packetOuts.poll()) != null) {
            packetOutsQueued.decrementAndGet();
            engine.packetOut(p.frame(), p.egressPort());
            n++;
        }
        return n;
    }

    /** The agent the runner drives: any Throwable ends the loop and is kept for status and health. */
    private final class Loop implements Agent {
        private final String name;

        Loop(String name) {
            this.name = name;
        }

        @Override
        public int doWork() {
            try {
                return DataPlane.this.doWork();
            } catch (Throwable e) {
                failure = e;
                throw new AgentTerminationException(e);
            }
        }

        /** The loop's last act, on its thread (or on close()'s when it never started). */
        @Override
        public void onClose() {
            stopped = true;
            runCommandsStopped();
        }

        @Override
        public String roleName() {
            return name;
        }
    }

    /** The runner's error handler: the loop ended on {@code e} (our wrapper around what the round threw). */
    private static void logStop(Throwable e) {
        Throwable cause = e instanceof AgentTerminationException && e.getCause() != null ? e.getCause() : e;
        LOG.error("the translator's data plane stopped: {}", cause.toString(), cause);
    }

    /** One batch of INT datagrams through the INT ingest (which hands its DTA reports to the engine). */
    private int receiveInt() {
        int n = intReports.receiveNow(intBatch);
        long oversized = intReports.counters().oversized();
        if (oversized != intOversizedSeen) {
            intIngress.oversized(oversized - intOversizedSeen);
            intOversizedSeen = oversized;
        }
        for (int i = 0; i < n; i++) {
            int len = intBatch.length(i);
            if (len > 0) {
                intIngress.datagram(intBatch.segment(), intBatch.frameOffset(i) + UdpFrame.PAYLOAD_OFFSET, len - UdpFrame.PAYLOAD_OFFSET);
            }
        }
        return n;
    }

    /** Commands after the loop ended: on whichever thread gets here first, one at a time. */
    private synchronized void runCommandsStopped() {
        runCommands();
    }

    private int runCommands() {
        int n = 0;
        for (Command c = commands.poll(); c != null; c = commands.poll()) {
            try {
                engine.refresh();
                c.action().run();
                c.done().complete(null);
            } catch (RuntimeException e) {
                c.done().completeExceptionally(e);
            }
            n++;
        }
        if (n > 0) {
            engine.refresh();
            engine.flush();
        }
        return n;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Returns once the loop's thread has ended (its onClose ran the commands queued until then).
        runner.close(CLOSE_RETRY_MILLIS, t -> LOG.warn("the translator's data plane has not stopped after {} ms; interrupting it",
                CLOSE_RETRY_MILLIS));
        runCommandsStopped();
        pipeline.attach(null, null);
        engine.flush();
        reportBatch.close();
        roceBatch.close();
        if (intBatch != null) {
            intBatch.close();
        }
    }
}
