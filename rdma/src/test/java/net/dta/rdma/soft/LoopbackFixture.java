package net.dta.rdma.soft;

import net.dta.rdma.cm.CmPolicy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dta.protocol.Bytes;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmRej;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.rdma.region.Atomics;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.Icrc;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;

/** A started software responder with one registered region and a test requester on loopback. */
abstract class LoopbackFixture {
    static final int CM_PORT = 40041;
    static final long REGION_BYTES = 1 << 16;

    protected final Arena arena = Arena.ofShared();
    protected final List<AutoCloseable> closeables = new ArrayList<>();
    protected final RecordingHandler handler = new RecordingHandler();
    protected SoftRoceBackend backend;
    protected TestRequester requester;
    protected MemorySegment memory;
    protected RegisteredRegion region;
    /** The starting PSN the responder's next REP announces (scripted so tests know where to send). */
    protected volatile int nextRepPsn;
    /** The byte order the responder's FETCH_ADD uses (protocol.md 4.4). */
    protected boolean atomicsLittleEndian;
    /** The collector's CM secret and limits (the requester signs with the same secret). */
    protected CmPolicy policy = CmPolicy.withSecret(net.dta.testkit.TestCmSecret.bytes());

    /** Whether the mode sees IPv4 headers (raw, xdp): ICRCs verified, replies parsed with their real headers. */
    abstract boolean raw();

    /** The responder's data-plane threads (the suites run with 1 and 2). */
    int threads() {
        return 1;
    }

    /** The responder's mode; the requester uses raw sockets when {@link #raw()}, else UDP. */
    SoftRoceConfig.Mode mode() {
        return raw() ? SoftRoceConfig.Mode.RAW : SoftRoceConfig.Mode.UDP;
    }

    /** Runs what opens and starts the responder (in the collector's network namespace where there is one). */
    <T> T onCollectorSide(java.util.concurrent.Callable<T> action) throws Exception {
        return action.call();
    }

    /** Runs what opens the requester's sockets (in its network namespace where there is one). */
    <T> T onRequesterSide(java.util.concurrent.Callable<T> action) throws Exception {
        return action.call();
    }

    /** This mode's collector address; the requester is the next one. */
    abstract String collectorAddress();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        arena.close();
    }

    protected void start(boolean errorOnNak) throws Exception {
        SoftRoceConfig.Mode mode = mode();
        IdSource random = IdSource.random();
        SoftRoceConfig config = SoftRoceConfig.of(mode, collectorAddress(), policy).withErrorOnNak(errorOnNak)
                .withAtomicsLittleEndian(atomicsLittleEndian).withThreads(threads())
                .withChannel(new ChannelOptions(4 << 20, 1 << 20, 20)).withIds(new IdSource() {
                    @Override
                    public int nextCommId() {
                        return random.nextCommId();
                    }

                    @Override
                    public int nextStartingPsn() {
                        return nextRepPsn;
                    }

                    @Override
                    public int nextQpn(int lowest) {
                        return random.nextQpn(lowest);
                    }
                });
        backend = onCollectorSide(() -> SoftRoceBackend.open(config));
        closeables.add(backend);
        memory = arena.allocate(REGION_BYTES, 4096);
        region = backend.register(memory, EnumSet.of(Access.REMOTE_WRITE, Access.REMOTE_READ, Access.REMOTE_ATOMIC),
                RegionRequest.ANY);
        onCollectorSide(() -> {
            backend.start(handler);
            return null;
        });
        int collector = Ipv4.parse(collectorAddress());
        requester = onRequesterSide(() -> new TestRequester(raw(), collector + 1, collector));
        closeables.add(requester);
    }

    /**
     * Connects translator QPN {@code qpn} and MTU; the responder's REP announces {@code startPsn},
     * the PSN the requester then sends from (protocol.md 7.3). The REQ announces another PSN
     * (the requester's receive PSN), so a responder that expected the REQ's would fail every
     * test. Returns the collector's QPN.
     */
    protected int connect(int qpn, int startPsn, int mtu) {
        int commId = (qpn << 16) ^ startPsn; // a new communication id per attempt, as the controller does
        nextRepPsn = startPsn;
        List<byte[]> replies = requester.connect(qpn, startPsn ^ 0x55_5555, mtu, CM_PORT, commId);
        assertEquals(1, replies.size(), () -> "one REP, got " + replies.stream().map(TestRequester::describe).toList());
        CmPacket rep = TestRequester.parseCm(replies.getFirst());
        assertEquals(CmAttribute.REP, rep.attributeId());
        assertEquals(startPsn, rep.rep().startingPsn(), "the REP's starting PSN");
        requester.rtu(commId, rep.rep().localCommId());
        requester.flush();
        return rep.rep().localQpn();
    }

    protected RocePacket onlyReply(String what) {
        List<byte[]> replies = requester.receive(1, 2000);
        assertEquals(1, replies.size(), what + ": one reply");
        assertEquals(List.of(), requester.receiveNone(), what + ": and no more");
        return TestRequester.parse(replies.getFirst(), raw());
    }

    protected static void assertAck(RocePacket p, int syndrome, int psn) {
        assertEquals(RoceOpcode.RC_ACKNOWLEDGE, p.opcode().code());
        assertEquals(syndrome, p.aeth().syndrome(), "syndrome");
        assertEquals(psn, p.bth().psn(), "PSN");
        assertEquals(0x103, p.bth().destQp());
    }

    protected QueuePairInfo queuePair(int qpn) {
        return backend.queuePairs().stream().filter(q -> q.qpn() == qpn).findFirst().orElseThrow();
    }

    /**
     * Waits (up to 3 s) until a counter of the responder thread reaches the value: after a
     * packet that gets no reply there is nothing else to wait on, and a loaded machine may take
     * a while to schedule the responder.
     */
    protected static void awaitCount(long expected, java.util.function.LongSupplier counter, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 3000;
        while (counter.getAsLong() != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, counter.getAsLong(), what);
    }

    protected static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    protected byte[] memory(long offset, int n) {
        return memory.asSlice(offset, n).toArray(ValueLayout.JAVA_BYTE);
    }

}
