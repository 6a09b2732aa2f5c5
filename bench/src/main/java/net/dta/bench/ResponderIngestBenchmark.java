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
 * Load command for the responder (issue item 7, responder part): Key-Write-sized RDMA WRITE Only
 * packets (8-byte payload, AckReq every 64 PSNs) sent over loopback with sendmmsg by sender
 * threads, each acting as one translator queue pair that re-synchronises its PSN on a NAK as
 * protocol.md 5.6 says; measured at the receiving side, in the same run, for
 * <ol>
 *   <li>a bare receive loop on the same socket set-up (recvmmsg, no processing), and</li>
 *   <li>the software responder (parse, ICRC in raw mode, PSN, rkey/bounds, copy, ACKs),</li>
 * </ol>
 * in UDP mode and raw mode. Prints packets/s, executed writes/s and the ratio to the bare loop.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp rdma/target/classes:protocol/target/classes:$SLF4J \
 *      net.dta.bench.ResponderIngestBenchmark [--mode udp|raw|both] [--seconds 5] [--senders 1]
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
    private static final int COLLECTOR = Ipv4.parse("127.77.9.1");
    private static final int BATCH = 64;
    private static final int ACK_INTERVAL = 64;
    private static final ChannelOptions OPTIONS = new ChannelOptions(32 << 20, 8 << 20, 20);

    private ResponderIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /** Runs the benchmark; returns the process exit code. */
    public static int run(String[] args, PrintStream out) throws Exception {
        String mode = "both";
        double seconds = 5;
        int senders = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--senders" -> senders = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    out.println("usage: ResponderIngestBenchmark [--mode udp|raw|both] [--seconds S] [--senders N]");
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
        out.printf(Locale.ROOT, "responder ingest: 8-byte RDMA WRITE Only over loopback, %d sender thread(s), "
                + "%.1f s per measurement, %d cores, %s%n", senders, seconds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
        out.println("mode  setup       received/s   writes/s      sent/s  rx-cpu-ns/pkt  capacity/s  ratio  naks");
        for (String m : mode.equals("both") ? List.of("udp", "raw") : List.of(mode)) {
            boolean raw = m.equals("raw");
            Result bare = measureBare(raw, seconds, senders);
            Result responder = measureResponder(raw, seconds, senders);
            print(out, m, "bare", bare, bare);
            print(out, m, "responder", responder, bare);
        }
        return 0;
    }

    private static void print(PrintStream out, String mode, String setup, Result r, Result bare) {
        out.printf(Locale.ROOT, "%-5s %-10s %11.0f %10s %11.0f %14.0f %11.0f %5.1f%% %5d%n", mode, setup,
                r.receivedPerSecond(),
                r.writesPerSecond() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.writesPerSecond()),
                r.sentPerSecond(), r.cpuNanosPerPacket(), r.capacity(), 100.0 * r.capacity() / bare.capacity(),
                r.naks());
    }

    /**
     * @param cpuNanosPerPacket CPU time of the receiving thread per received packet: on a machine
     *                          where the sender cannot saturate the receiver (2 cores, a single
     *                          sender thread), this is the honest measure of the receive cost
     */
    record Result(double receivedPerSecond, double writesPerSecond, double sentPerSecond, double cpuNanosPerPacket,
                  long naks, long resyncs) {
        /** Packets per second one receiving thread could take if it had a core to itself. */
        double capacity() {
            return 1e9 / cpuNanosPerPacket;
        }
    }

    // ---------------------------------------------------------------- bare receive loop

    private static Result measureBare(boolean raw, double seconds, int senders) throws Exception {
        try (PacketChannel rx = open(raw, COLLECTOR); PacketBatch batch = new PacketBatch(BATCH)) {
            LongAdder received = new LongAdder();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread receiver = new Thread(() -> {
                while (running.get()) {
                    received.add(rx.receive(batch));
                }
            }, "bare-receiver");
            receiver.start();
            List<Sender> load = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                load.add(new Sender(raw, COLLECTOR + 1 + s, 0x11, 0, 0x1000, 0x100 + s));
            }
            Result r = drive(load, seconds, received::sum, () -> -1, receiver);
            running.set(false);
            receiver.join();
            for (Sender s : load) {
                s.close();
            }
            return r;
        }
    }

    // ---------------------------------------------------------------- the responder

    private static Result measureResponder(boolean raw, double seconds, int senders) throws Exception {
        SoftRoceConfig config = SoftRoceConfig.of(raw ? SoftRoceConfig.Mode.RAW : SoftRoceConfig.Mode.UDP,
                Ipv4.format(COLLECTOR), CmPolicy.withSecret(SECRET)).withChannel(OPTIONS).withBatchSize(BATCH);
        // The backend closes first (resources close in reverse): its responder thread may still be
        // executing queued WRITEs into the region when the senders stop.
        try (Arena arena = Arena.ofShared(); SoftRoceBackend backend = SoftRoceBackend.open(config)) {
            MemorySegment memory = arena.allocate(1 << 20, 4096);
            RegisteredRegion region = backend.register(memory, EnumSet.of(Access.REMOTE_WRITE), RegionRequest.ANY);
            backend.start(new AcceptAll());
            List<Sender> load = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                Sender sender = new Sender(raw, COLLECTOR + 1 + s, 0, 0, 0, 0x100 + s);
                load.add(sender.target(sender.connect(), region.va(), region.rkeys()[0]));
            }
            Thread agent = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("dta-rdma-" + Ipv4.format(COLLECTOR))).findFirst().orElseThrow();
            Result r = drive(load, seconds, () -> backend.counters().packetsReceived(),
                    () -> backend.queuePairs().stream().mapToLong(QueuePairInfo::writes).sum(), agent);
            for (Sender s : load) {
                s.close();
            }
            return r;
        }
    }

    /** Runs the senders, measures after a one-second warm-up. */
    private static Result drive(List<Sender> senders, double seconds, java.util.function.LongSupplier received,
                                java.util.function.LongSupplier writes, Thread receiver)
            throws InterruptedException {
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
        long c0 = cpu.getThreadCpuTime(receiver.threadId());
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = cpu.getThreadCpuTime(receiver.threadId());
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
                (double) (c1 - c0) / Math.max(1, r1 - r0), naks, resyncs);
    }

    private static PacketChannel open(boolean raw, int address) throws IOException {
        return raw ? RawPacketChannel.open(address, 4791, OPTIONS) : UdpPacketChannel.open(address, 4791, OPTIONS);
    }

    /** One translator queue pair: sends WRITE Only batches, follows NAKs (protocol.md 5.6). */
    private static final class Sender implements AutoCloseable {
        final PacketChannel channel;
        final int address;
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

        Sender(boolean raw, int address, int destQp, long va, int rkey, int translatorQpn) throws IOException {
            this.channel = open(raw, address);
            this.address = address;
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
            return new RoceRoute(0, 0, address, COLLECTOR, port);
        }

        /** CM REQ → REP; returns the collector's QPN. */
        int connect() throws RdmaException {
            byte[] data = ConnectRequestData.fresh(SECRET, 1, new CmBinding(address, RoceRoute.sourcePortOf(translatorQpn),
                    COLLECTOR, ServiceId.DEFAULT_CM_PORT, translatorQpn));
            ReqParameters p = new ReqParameters(0x5000 + translatorQpn, ServiceId.DEFAULT_CM_PORT, 1, translatorQpn,
                    0, PathMtu.code(1024), address, COLLECTOR, RoceRoute.sourcePortOf(translatorQpn), data);
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
                    out.length(i, writer.writeOnly(out.segment(), out.frameOffset(i), route, destQp, psn,
                            RoceFrameWriter.ackRequested(psn, ACK_INTERVAL), slotVa, rkey, payload, 0, 8));
                }
                sent.add(channel.send(out, BATCH));
                followReplies();
            }
        }

        /** A NAK (PSN sequence error) names the PSN the responder expects: continue from there. */
        private void followReplies() {
            int n = channel.receiveNow(in);
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
