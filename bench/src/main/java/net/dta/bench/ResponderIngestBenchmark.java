package net.dta.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import net.dta.bench.netns.VethPath;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.rdma.cm.CmAttribute;
import net.dta.protocol.auth.CmBinding;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.CmPolicy;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.ReqParameters;
import net.dta.rdma.cm.ServiceId;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.packetio.LinkLayerChannels;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.UdpPacketChannel;
import net.dta.rdma.soft.SoftRoceBackend;
import net.dta.rdma.soft.SoftRoceConfig;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * Load command for the responder (issue item 7, responder part; issue 16 items 6 and 2):
 * Key-Write-sized RDMA WRITE Only packets (8-byte payload, AckReq every 64 PSNs) or FETCH_ADDs as
 * a translator sends them for Key-Increment (each answered by an ATOMIC ACK), sent over loopback
 * with sendmmsg by sender threads, each acting as one translator queue pair that
 * re-synchronises its PSN on a NAK as protocol.md 5.6 says; measured at the receiving side, in the
 * same run, for
 * <ol>
 *   <li>a bare receive loop on the same socket set-up (recvmmsg, no processing),</li>
 *   <li>for FETCH_ADD also a bare loop that sends every packet back (the least a responder that
 *       answers each request pays: one reply per packet, one sendmmsg per batch), and</li>
 *   <li>the software responder (parse, ICRC in raw mode, PSN, rkey/bounds, copy or atomic, ACKs)
 *       with 1 or more data-plane threads,</li>
 * </ol>
 * in UDP mode and raw mode. Prints packets/s, executed requests/s and the ratio to the bare loop.
 *
 * <pre>
 * ./dta bench responder [--mode udp|raw|both] [--op write|atomic|both] [--seconds 5] [--senders 1] [--threads 1,2]
 * </pre>
 */
public final class ResponderIngestBenchmark {
    /** A secret of this run only: the benchmark is both the controller and the collector. */
    private static final byte[] SECRET = secret();

    private static byte[] secret() {
        byte[] s = new byte[32];
        new java.security.SecureRandom().nextBytes(s);
        return s;
    }
    private static final int LOOPBACK_COLLECTOR = Ipv4.parse("127.77.9.1");
    /** The loopback set-up of {@code ./dta bench responder}: collector and senders in this namespace. */
    static final Site LOOPBACK = new Site(Placement.HERE, LOOPBACK_COLLECTOR, s -> LOOPBACK_COLLECTOR + 1 + s, false);
    private static final int BATCH = 64;
    private static final int ACK_INTERVAL = 64;
    private static final ChannelOptions OPTIONS = new ChannelOptions(32 << 20, 8 << 20, 20);

    private ResponderIngestBenchmark() {
    }

    /**
     * Where the responder (or bare loop) and the senders run.
     *
     * @param collector the responder's address (in the collector role's namespace)
     * @param sender    sender {@code s}'s address (in the translator role's namespace: the senders act as translator queue pairs)
     * @param xdp       the receiving side (bare loop, responder) in xdp mode (AF_XDP, else the AF_PACKET ring; needs a link,
     *                  not loopback), the senders on raw sockets
     */
    record Site(Placement placement, int collector, java.util.function.IntUnaryOperator sender, boolean xdp) {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /** Runs the benchmark; returns the process exit code. */
    public static int run(String[] args, PrintStream out) throws Exception {
        String mode = "both";
        String op = "both";
        double seconds = 5;
        int senders = 1;
        List<Integer> threads = List.of(1);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "--op" -> op = args[++i];
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--senders" -> senders = Integer.parseInt(args[++i]);
                case "--threads" -> threads = java.util.Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::valueOf).toList();
                case "--help", "-h" -> {
                    out.println("usage: ResponderIngestBenchmark [--mode udp|raw|both] [--op write|atomic|both] [--seconds S] "
                            + "[--senders N] [--threads 1,2]");
                    return 0;
                }
                default -> {
                    out.println("unknown argument " + args[i] + " (try --help)");
                    return 2;
                }
            }
        }
        if (mode.equals("xdp")) {
            out.println("--mode xdp: this benchmark runs on loopback; " + LinkLayerChannels.NOT_ON_LOOPBACK);
            return 2;
        }
        if (!List.of("udp", "raw", "both").contains(mode) || !List.of("write", "atomic", "both").contains(op)
                || threads.stream().anyMatch(t -> t < 1 || t > 64)) {
            out.println("--mode udp|raw|both, --op write|atomic|both, --threads 1..64 (a comma list)");
            return 2;
        }
        out.printf(Locale.ROOT, "responder ingest: 8-byte RDMA WRITE Only and FETCH_ADD over loopback, %d sender thread(s), "
                + "%.1f s per measurement, %d cores, %s%n", senders, seconds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
        out.println("mode op     setup        thr  received/s     exec/s      sent/s  rx-cpu-ns/pkt  capacity/s  ratio  naks  alloc-b/pkt  tx-cpu-ns/pkt");
        for (String m : mode.equals("both") ? List.of("udp", "raw") : List.of(mode)) {
            boolean raw = m.equals("raw");
            for (String o : op.equals("both") ? List.of("write", "atomic") : List.of(op)) {
                boolean atomic = o.equals("atomic");
                Result bare = measureBare(LOOPBACK, raw, atomic, false, seconds, senders);
                print(out, m, o, "bare", 1, bare, bare);
                if (atomic) {
                    // The least a responder must do per FETCH_ADD: receive it and send one reply (batched).
                    print(out, m, o, "bare-reply", 1, measureBare(LOOPBACK, raw, true, true, seconds, senders), bare);
                }
                for (int t : threads) {
                    print(out, m, o, "responder", t, measureResponder(LOOPBACK, raw, atomic, t, seconds, senders), bare);
                }
            }
        }
        return 0;
    }

    private static void print(PrintStream out, String mode, String op, String setup, int threads, Result r, Result bare) {
        out.printf(Locale.ROOT, "%-4s %-6s %-11s %4d %11.0f %10s %11.0f %14.0f %11.0f %5.1f%% %5d %12.2f %14.0f%n", mode, op, setup,
                threads, r.receivedPerSecond(),
                r.executedPerSecond() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.executedPerSecond()),
                r.sentPerSecond(), r.cpuNanosPerPacket(), r.capacity(), 100.0 * r.capacity() / bare.capacity(),
                r.naks(), r.allocatedPerPacket(), r.senderCpuNanosPerPacket());
    }

    /**
     * @param executedPerSecond WRITEs or FETCH_ADDs the responder executed per second (-1: a bare loop)
     * @param cpuNanosPerPacket CPU time of the receiving thread(s) per received packet: on a machine
     *                          where the sender cannot saturate the receiver (2 cores, a single
     *                          sender thread), this is the honest measure of the receive cost
     * @param allocatedPerPacket heap bytes the receiving thread(s) allocated per packet (0: the
     *                          per-packet path allocates nothing)
     */
    /**
     * @param senderCpuNanosPerPacket CPU time of the sender threads per packet they sent (the load generator's own cost)
     * @param kernelDrops            packets the kernel dropped at the receiving socket (its buffer full) in the window, -1 when unknown
     * @param health                 the responder's queue pairs after the run (state, executed, gaps, NAKs, drops), or empty
     */
    record Result(double receivedPerSecond, double executedPerSecond, double sentPerSecond, double cpuNanosPerPacket,
                  double allocatedPerPacket, long naks, long resyncs, double senderCpuNanosPerPacket, long kernelDrops,
                  String health) {
        Result withHealth(String value) {
            return new Result(receivedPerSecond, executedPerSecond, sentPerSecond, cpuNanosPerPacket, allocatedPerPacket, naks,
                    resyncs, senderCpuNanosPerPacket, kernelDrops, value);
        }

        /** Packets per second the receiving thread(s) could take with one core's worth of CPU time. */
        double capacity() {
            return 1e9 / cpuNanosPerPacket;
        }
    }

    // ---------------------------------------------------------------- bare receive loop

    /** A receive loop on the same channel set-up; with {@code reply}, every frame is sent back (one sendmmsg per batch). */
    static Result measureBare(Site site, boolean raw, boolean atomic, boolean reply, double seconds, int senders)
            throws Exception {
        try (PacketChannel rx = site.placement().call(VethPath.Role.COLLECTOR, () -> site.xdp()
                ? net.dta.packetio.LinkLayerChannels.open(site.collector(), 4791, OPTIONS) : open(raw, site.collector()));
             PacketBatch batch = new PacketBatch(BATCH)) {
            LongAdder received = new LongAdder();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread receiver = new Thread(() -> {
                while (running.get()) {
                    int n = rx.receive(batch);
                    if (reply && n > 0) {
                        echo(rx, batch, n);
                    }
                    received.add(n);
                }
            }, "bare-receiver");
            receiver.start();
            List<Sender> load = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int index = s;
                load.add(site.placement().call(VethPath.Role.TRANSLATOR, () -> new Sender(raw, atomic, site.sender().applyAsInt(index),
                        site.collector(), 0x11, 0, 0x1000, 0x100 + index)));
            }
            Result r = drive(load, seconds, received::sum, () -> -1,
                    site.placement().drops(VethPath.Role.COLLECTOR, raw, site.collector(), 4791, rx::kernelDrops), List.of(receiver));
            running.set(false);
            receiver.join();
            for (Sender s : load) {
                s.close();
            }
            return r;
        }
    }

    /** Sends the received frames back to their sources (IPv4 addresses swapped: the header checksum stays valid). */
    private static void echo(PacketChannel channel, PacketBatch batch, int n) {
        MemorySegment s = batch.segment();
        for (int i = 0; i < n; i++) {
            long ip = batch.frameOffset(i) + RoceFrameWriter.IP_OFFSET;
            int source = s.get(net.dta.protocol.Bytes.U32, ip + 12);
            s.set(net.dta.protocol.Bytes.U32, ip + 12, s.get(net.dta.protocol.Bytes.U32, ip + 16));
            s.set(net.dta.protocol.Bytes.U32, ip + 16, source);
        }
        channel.send(batch, n);
    }

    // ---------------------------------------------------------------- the responder

    static Result measureResponder(Site site, boolean raw, boolean atomic, int threads, double seconds, int senders)
            throws Exception {
        SoftRoceConfig.Mode mode = site.xdp() ? SoftRoceConfig.Mode.XDP : raw ? SoftRoceConfig.Mode.RAW : SoftRoceConfig.Mode.UDP;
        SoftRoceConfig config = SoftRoceConfig.of(mode,
                Ipv4.format(site.collector()), CmPolicy.withSecret(SECRET)).withChannel(OPTIONS).withBatchSize(BATCH)
                .withThreads(threads);
        // The backend closes first (resources close in reverse): its responder thread may still be
        // executing queued WRITEs into the region when the senders stop.
        try (Arena arena = Arena.ofShared();
             SoftRoceBackend backend = site.placement().call(VethPath.Role.COLLECTOR, () -> SoftRoceBackend.open(config))) {
            MemorySegment memory = arena.allocate(1 << 20, 4096);
            RegisteredRegion region = backend.register(memory, EnumSet.of(Access.REMOTE_WRITE, Access.REMOTE_ATOMIC),
                    RegionRequest.ANY);
            site.placement().call(VethPath.Role.COLLECTOR, () -> {
                backend.start(new AcceptAll());
                return null;
            });
            List<Sender> load = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                // QPNs are random: connect again (a new translator QPN) until sender s's queue pair is
                // owned by thread s mod threads, so that the senders load every thread.
                for (int attempt = 0; ; attempt++) {
                    int index = s;
                    int qp = 0x100 + s + 0x1000 * attempt;
                    Sender sender = site.placement().call(VethPath.Role.TRANSLATOR, () -> new Sender(raw, atomic,
                            site.sender().applyAsInt(index), site.collector(), 0, 0, 0, qp));
                    int qpn = sender.connect();
                    if (config.ownerOf(qpn) == s % threads || attempt == 30) {
                        load.add(sender.target(qpn, region.va(), region.rkeys()[0]));
                        break;
                    }
                    sender.close();
                }
            }
            String prefix = "dta-rdma-" + Ipv4.format(site.collector());
            List<Thread> agents = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(prefix)).toList();
            Result r = drive(load, seconds, () -> backend.counters().packetsReceived(),
                    () -> backend.queuePairs().stream().mapToLong(q -> atomic ? q.atomics() : q.writes()).sum(),
                    site.placement().drops(VethPath.Role.COLLECTOR, raw, site.collector(), 4791,
                            () -> backend.counters().drops().getOrDefault(SoftRoceBackend.KERNEL_RECEIVE_BUFFER, -1L)), agents);
            for (Sender s : load) {
                s.close();
            }
            if (System.getenv("DTA_BENCH_DEBUG") != null) {
                backend.queuePairs().forEach(System.err::println);
                System.err.println(backend.counters());
            }
            return r.withHealth(health(backend));
        }
    }

    /** The responder's queue pairs: state, executed requests, gaps, duplicates, NAKs and drops (printed with the progress). */
    private static String health(SoftRoceBackend backend) {
        StringBuilder b = new StringBuilder();
        for (QueuePairInfo q : backend.queuePairs()) {
            b.append(b.isEmpty() ? "" : "; ").append("QP 0x").append(Integer.toHexString(q.qpn())).append(' ').append(q.state())
                    .append(": ").append(q.writes()).append(" writes, ").append(q.atomics()).append(" atomics, ").append(q.psnGaps())
                    .append(" PSN gaps, ").append(q.duplicates()).append(" duplicates, NAKs ").append(q.naksBySyndrome())
                    .append(", drops ").append(q.drops());
        }
        return b.toString();
    }

    /** Runs the senders, measures after a one-second warm-up. */
    private static Result drive(List<Sender> senders, double seconds, java.util.function.LongSupplier received,
                                java.util.function.LongSupplier writes, java.util.function.LongSupplier kernelDrops,
                                List<Thread> receivers) throws InterruptedException {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (Sender s : senders) {
            Thread t = new Thread(() -> s.run(running), "sender-" + s.translatorQpn);
            threads.add(t);
            t.start();
        }
        Thread.sleep(1000);
        long r0 = received.getAsLong();
        long w0 = writes.getAsLong();
        long s0 = senders.stream().mapToLong(s -> s.sent.sum()).sum();
        long c0 = cpuTime(cpu, receivers);
        long a0 = allocated(cpu, receivers);
        long k0 = kernelDrops.getAsLong();
        long sc0 = cpuTime(cpu, threads);
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = cpuTime(cpu, receivers);
        long a1 = allocated(cpu, receivers);
        long sc1 = cpuTime(cpu, threads);
        long k1 = kernelDrops.getAsLong();
        long r1 = received.getAsLong();
        long w1 = writes.getAsLong();
        long s1 = senders.stream().mapToLong(s -> s.sent.sum()).sum();
        double dt = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        long naks = senders.stream().mapToLong(s -> s.naks).sum();
        long resyncs = senders.stream().mapToLong(s -> s.resyncs).sum();
        return new Result((r1 - r0) / dt, w0 < 0 ? -1 : (w1 - w0) / dt, (s1 - s0) / dt,
                (double) (c1 - c0) / Math.max(1, r1 - r0), (double) (a1 - a0) / Math.max(1, r1 - r0), naks, resyncs,
                (double) (sc1 - sc0) / Math.max(1, s1 - s0), k0 < 0 || k1 < 0 ? -1 : k1 - k0, "");
    }

    /** Heap bytes the threads allocated (HotSpot's per-thread counter), or -1 where unsupported. */
    private static long allocated(java.lang.management.ThreadMXBean cpu, List<Thread> threads) {
        if (!(cpu instanceof com.sun.management.ThreadMXBean hotspot)) {
            return -1;
        }
        return threads.stream().mapToLong(t -> hotspot.getThreadAllocatedBytes(t.threadId())).sum();
    }

    private static long cpuTime(java.lang.management.ThreadMXBean cpu, List<Thread> threads) {
        return threads.stream().mapToLong(t -> cpu.getThreadCpuTime(t.threadId())).sum();
    }

    private static PacketChannel open(boolean raw, int address) throws IOException {
        return raw ? RawPacketChannel.open(address, 4791, OPTIONS) : UdpPacketChannel.open(address, 4791, OPTIONS);
    }

    /**
     * One translator queue pair: sends WRITE Only (or FETCH_ADD, as for Key-Increment) batches,
     * follows NAKs (protocol.md 5.6).
     */
    private static final class Sender implements AutoCloseable {
        final PacketChannel channel;
        final boolean atomic;
        final int address;
        final int collector;
        final int translatorQpn;
        int destQp;
        long va;
        int rkey;
        final LongAdder sent = new LongAdder();
        final PacketBatch out = new PacketBatch(BATCH);
        final PacketBatch in = new PacketBatch(BATCH);
        final RoceFrameWriter writer = new RoceFrameWriter();
        final RocePacket reply = new RocePacket();
        final MemorySegment payload = MemorySegment.ofArray(new byte[8]);
        int nextPsn;
        long naks;
        long resyncs;

        Sender(boolean raw, boolean atomic, int address, int collector, int destQp, long va, int rkey, int translatorQpn)
                throws IOException {
            this.channel = open(raw, address);
            this.atomic = atomic;
            this.address = address;
            this.collector = collector;
            this.translatorQpn = translatorQpn;
            this.destQp = destQp;
            this.va = va;
            this.rkey = rkey;
        }

        /** Where the writes go, once connected. */
        Sender target(int qpn, long regionVa, int regionRkey) {
            this.destQp = qpn;
            this.va = regionVa;
            this.rkey = regionRkey;
            return this;
        }

        RoceRoute route(int qpn) {
            int port = channel.sourcePort() >= 0 ? channel.sourcePort() : RoceRoute.sourcePortOf(qpn);
            return new RoceRoute(0, 0, address, collector, port);
        }

        /** CM REQ → REP; returns the collector's QPN and starts at the REP's starting PSN. */
        int connect() throws RdmaException {
            byte[] data = ConnectRequestData.fresh(SECRET, 1, new CmBinding(address, RoceRoute.sourcePortOf(translatorQpn),
                    collector, ServiceId.DEFAULT_CM_PORT, translatorQpn));
            ReqParameters p = new ReqParameters(0x5000 + translatorQpn, ServiceId.DEFAULT_CM_PORT, 1, translatorQpn,
                    0, PathMtu.code(1024), address, collector, RoceRoute.sourcePortOf(translatorQpn), data);
            out.length(0, new CmFrameWriter().req(out.segment(), 0, route(1), 0, 1, p));
            channel.send(out, 1);
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline) {
                int n = channel.receive(in);
                for (int i = 0; i < n; i++) {
                    if (reply.parse(in.segment(), in.frameOffset(i), in.length(i), false) == MalformedReason.OK
                            && reply.opcode().code() == RoceOpcode.UD_SEND_ONLY) {
                        CmPacket cm = new CmPacket();
                        if (cm.parse(reply) == CmParseResult.OK && cm.attributeId() == CmAttribute.REP) {
                            // The requester sends from the PSN the REP announces (protocol.md 7.3): from
                            // any other, half of the PSN space reads as duplicates, never executed.
                            nextPsn = cm.rep().startingPsn();
                            return cm.rep().localQpn();
                        }
                    }
                }
            }
            throw new RdmaException("no REP from the responder within 3 s");
        }

        void run(AtomicBoolean running) {
            RoceRoute route = route(translatorQpn);
            while (running.get()) {
                for (int i = 0; i < BATCH; i++) {
                    int psn = nextPsn;
                    nextPsn = (nextPsn + 1) & 0xFF_FFFF;
                    long slotVa = va + ((psn & 0xFFF) << 3);
                    boolean ackReq = RoceFrameWriter.ackRequested(psn, ACK_INTERVAL);
                    out.length(i, atomic
                            ? writer.fetchAdd(out.segment(), out.frameOffset(i), route, destQp, psn, ackReq, slotVa, rkey, 1)
                            : writer.writeOnly(out.segment(), out.frameOffset(i), route, destQp, psn, ackReq, slotVa, rkey,
                                    payload, 0, 8));
                }
                sent.add(channel.send(out, BATCH));
                followReplies();
            }
        }

        /**
         * A NAK (PSN sequence error) names the PSN the responder expects: continue from there. Reads
         * every queued reply (each FETCH_ADD has its ATOMIC ACK).
         */
        private void followReplies() {
            int n;
            do {
                n = channel.receiveNow(in);
                followBatch(n);
            } while (n == in.capacity());
        }

        private void followBatch(int n) {
            for (int i = 0; i < n; i++) {
                if (reply.parse(in.segment(), in.frameOffset(i), in.length(i), false) == MalformedReason.OK
                        && reply.opcode().code() == RoceOpcode.RC_ACKNOWLEDGE
                        && reply.aeth().syndrome() == AethSyndrome.NAK_PSN_SEQUENCE_ERROR) {
                    naks++;
                    resyncs++;
                    nextPsn = reply.bth().psn();
                }
            }
        }

        @Override
        public void close() {
            channel.close();
            out.close();
            in.close();
        }
    }

    /** Accepts every REQ with DTA REP data (no catalog behind it: the benchmark does not read it). */
    private static final class AcceptAll implements ConnectionHandler {
        @Override
        public byte[] onConnectRequest(ConnectRequest request) {
            byte[] data = new byte[ConnectReplyData.BYTES];
            new ConnectReplyData(0, 1, 1, 0, 0, 32).encode(MemorySegment.ofArray(data), 0);
            return data;
        }

        @Override
        public void onEstablished(QueuePairInfo queuePair) {
        }

        @Override
        public void onClosed(QueuePairInfo queuePair, String reason) {
        }
    }
}
