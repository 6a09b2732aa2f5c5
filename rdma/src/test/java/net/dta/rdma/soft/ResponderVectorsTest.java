package net.dta.rdma.soft;

import net.dta.rdma.cm.CmPolicy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.testkit.ProtocolVectors;

/**
 * The responder fed the request vectors of docs/protocol.md section 10 in the documented state
 * emits exactly the documented replies and leaves exactly the documented memory.
 */
class ResponderVectorsTest {
    /** The time of protocol.md 10.8's REQ timestamp (2026-01-01T00:00:00Z), so that the vector is fresh. */
    static final java.time.InstantSource VECTOR_CLOCK = java.time.InstantSource.fixed(java.time.Instant.ofEpochMilli(1767225600000L));
    static final long VA = 0x00007F0000000000L;
    static final int RKEY = 0x1234;
    static final int TRANSLATOR_IP = 0x0A000001;

    private final Arena arena = Arena.ofShared();
    private final CollectingSink sink = new CollectingSink();
    private final ProtocolVectors vectors = ProtocolVectors.load();
    private SoftRoceEngine engine;

    @AfterEach
    void close() {
        arena.close();
    }

    static SoftRoceConfig config() {
        return SoftRoceConfig.of(SoftRoceConfig.Mode.RAW, "10.0.0.2", CmPolicy.withSecret(net.dta.testkit.TestCmSecret.bytes()))
                .withClock(VECTOR_CLOCK).withCaGuid(0x020000FFFE000002L);
    }

    private void engineWithQp(int expectedPsn, int msn) throws RdmaException {
        engine = new SoftRoceEngine(config(), -1);
        engine.restore(List.of(new QueuePairState(0x11, new byte[] {10, 0, 0, 1}, 0x000103, expectedPsn, msn, 1024,
                0x11223344L, 0x0A0B0C0DL)));
    }

    private MemorySegment region() throws RdmaException {
        MemorySegment memory = arena.allocate(64 * 1024, 4096);
        engine.regions.register(memory, EnumSet.of(Access.REMOTE_WRITE, Access.REMOTE_ATOMIC, Access.REMOTE_READ),
                new RegionRequest(VA, new int[] {RKEY}));
        return memory;
    }

    private List<byte[]> feed(String vector) {
        byte[] frame = vectors.get(vector).bytes();
        engine.responder.beginBatch();
        try {
            engine.responder.onFrame(MemorySegment.ofArray(frame), 0, frame.length, true, sink);
        } finally {
            engine.responder.endBatch();
        }
        return sink.take();
    }

    private void assertMemory(String vector, MemorySegment memory) {
        Map<Long, byte[]> expected = vectors.get(vector).memory();
        byte[] actual = memory.toArray(ValueLayout.JAVA_BYTE);
        byte[] wanted = new byte[actual.length];
        expected.forEach((off, bytes) -> System.arraycopy(bytes, 0, wanted, off.intValue(), bytes.length));
        assertArrayEquals(wanted, actual, vector + ": every byte not listed stays zero");
    }

    private QueuePairInfo qp() {
        return engine.queuePairs().getFirst();
    }

    @Test
    void shouldAcknowledgeTheKeyWritesExactlyAsReplyAck() throws RdmaException {
        engineWithQp(0xFF, 0);
        MemorySegment memory = region();
        assertEquals(List.of(), feed("kw.packet.0"), "no AckReq on PSN 0xFF");
        List<byte[]> replies = feed("kw.packet.1");
        assertEquals(1, replies.size());
        assertArrayEquals(vectors.get("reply.ack").bytes(), replies.getFirst());
        assertMemory("kw.memory", memory);
        assertEquals(2, qp().writes());
        assertEquals(0x101, qp().expectedPsn());
    }

    @Test
    void shouldSendReplyNakPsnOnceForAGap() throws RdmaException {
        engineWithQp(0xFF, 0); // kw.packet.0 (PSN 0xFF) was lost
        MemorySegment memory = region();
        List<byte[]> replies = feed("kw.packet.1");
        assertEquals(1, replies.size());
        assertArrayEquals(vectors.get("reply.nak-psn").bytes(), replies.getFirst());
        assertEquals(List.of(), feed("kw.packet.1"), "one NAK per gap");
        assertEquals(1, qp().psnGaps());
        assertEquals(2L, qp().drops().get("out_of_sequence"));
        assertEquals(1L, qp().naksBySyndrome().get("psn_sequence"));
        assertArrayEquals(new byte[(int) memory.byteSize()], memory.toArray(ValueLayout.JAVA_BYTE), "nothing written");
    }

    @Test
    void shouldAnswerThePsnQueryWithItsExpectedPsnMinusOneAndExecuteNothing() throws RdmaException {
        engineWithQp(0x100, 1); // executed kw.packet.0 only
        MemorySegment memory = region();
        List<byte[]> replies = feed("psn-query");
        assertEquals(1, replies.size());
        assertArrayEquals(vectors.get("reply.psn-query").bytes(), replies.getFirst());
        assertEquals(0, qp().writes(), "a duplicate WRITE is not executed again");
        assertEquals(0x100, qp().expectedPsn());
        assertArrayEquals(new byte[(int) memory.byteSize()], memory.toArray(ValueLayout.JAVA_BYTE), "nothing written");
    }

    @Test
    void shouldSendReplyNakAccessForAnUnknownRkeyAndGoToError() throws RdmaException {
        engineWithQp(0x100, 1);
        List<byte[]> replies = feed("kw.packet.1");
        assertEquals(1, replies.size());
        assertArrayEquals(vectors.get("reply.nak-access").bytes(), replies.getFirst());
        assertEquals("ERROR", qp().state());
        assertEquals(1L, qp().naksBySyndrome().get("remote_access"));
        assertEquals(List.of(), feed("kw.packet.1"), "a QP in ERROR drops silently");
        assertEquals(1L, qp().drops().get("qp_error"));
    }

    @Test
    void shouldAnswerTheFetchAddExactlyAsReplyAtomicAck() throws RdmaException {
        engineWithQp(0x200, 0);
        region();
        List<byte[]> replies = feed("ki.packet.0");
        assertEquals(1, replies.size());
        assertArrayEquals(vectors.get("reply.atomic-ack").bytes(), replies.getFirst());
    }

    @Test
    void shouldLeaveTheDocumentedMemoryForEveryPrimitive() throws RdmaException {
        record Case(String prefix, int psn, String memory) {
        }
        for (Case c : List.of(new Case("ki.packet.", 0x200, "ki.memory"), new Case("pc.packet.", 0x300, "pc.memory"),
                new Case("ap.packet.", 0x3FF, "ap.memory"), new Case("sk.packet.", 0x4FF, "sk.memory"))) {
            engineWithQp(c.psn(), 0);
            MemorySegment memory = region();
            int packets = 0;
            for (ProtocolVectors.Vector v : vectors.withPrefix(c.prefix())) {
                for (byte[] reply : feed(v.name())) {
                    RocePacket p = new RocePacket();
                    assertEquals(MalformedReason.OK, p.parse(MemorySegment.ofArray(reply), 0, reply.length, true));
                    assertTrue(p.aeth().msn() > 0);
                }
                packets++;
            }
            assertMemory(c.memory(), memory);
            assertEquals((c.psn() + packets) & 0xFFFFFF, qp().expectedPsn(), c.prefix());
            assertEquals(0, qp().psnGaps());
        }
    }

    @Test
    void shouldAnswerTheCatalogReadWithTheCatalogBytes() throws RdmaException {
        engineWithQp(0xABCDEF, 0); // the REP's starting PSN (cm.rep)
        byte[] catalog = vectors.get("catalog").bytes();
        MemorySegment memory = arena.allocate(catalog.length, 8);
        MemorySegment.copy(catalog, 0, memory, ValueLayout.JAVA_BYTE, 0, catalog.length);
        engine.regions.register(memory, EnumSet.of(Access.REMOTE_READ), new RegionRequest(0x00007EFF00000000L,
                new int[] {0x42}));
        List<byte[]> replies = feed("catalog.read-request");
        assertEquals(1, replies.size(), "672 bytes fit one 1024-byte response");
        RocePacket p = new RocePacket();
        MemorySegment reply = MemorySegment.ofArray(replies.getFirst());
        assertEquals(MalformedReason.OK, p.parse(reply, 0, replies.getFirst().length, true));
        assertEquals(RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY, p.opcode().code());
        assertEquals(0xABCDEF, p.bth().psn());
        assertEquals(0x000103, p.bth().destQp());
        assertEquals(1, p.aeth().msn());
        assertArrayEquals(catalog, reply.asSlice(p.payloadOffset(), p.payloadLength()).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(0xABCDF0, qp().expectedPsn(), "next PSN = start + ceil(672 / 1024)");
    }

    @Test
    void shouldAcceptTheRequestVectorWithTheReplyVector() {
        engine = new SoftRoceEngine(config().withIds(new ScriptedIds(0x11223344, 0x00ABCDEF)), -1);
        List<ConnectRequest> requests = new ArrayList<>();
        List<QueuePairInfo> established = new ArrayList<>();
        engine.handler(new ConnectionHandler() {
            @Override
            public byte[] onConnectRequest(ConnectRequest request) {
                requests.add(request);
                byte[] full = new byte[ConnectReplyData.BYTES];
                new ConnectReplyData(5, 0x0123456789ABCDEFL, 5, 0x00007EFF00000000L, 0x42, 32 + 128 * 5)
                        .encode(MemorySegment.ofArray(full), 0);
                return Arrays.copyOf(full, ConnectReplyData.USED_BYTES); // the rest of the 196 bytes is zero
            }

            @Override
            public void onEstablished(QueuePairInfo queuePair) {
                established.add(queuePair);
            }

            @Override
            public void onClosed(QueuePairInfo queuePair, String reason) {
            }
        });
        List<byte[]> replies = feed("cm.req");
        assertEquals(1, replies.size());
        byte[] rep = vectors.get("cm.rep").bytes();
        assertArrayEquals(rep, replies.getFirst());
        ConnectRequest r = requests.getFirst();
        assertEquals(0x000103, r.remoteQpn());
        assertEquals(0x000100, r.startPsn());
        assertEquals(56, r.privateData().length);
        assertEquals(0x44, r.privateData()[0]);
        assertEquals(1, established.size());
        assertEquals(0x11, established.getFirst().qpn());
        assertEquals(0xABCDEF, qp().expectedPsn(), "expected PSN = the REP's starting PSN (Linux's passive side)");

        assertEquals(List.of(), feed("cm.rtu"));
        List<byte[]> again = feed("cm.req");
        assertEquals(1, again.size(), "a repeated REQ gets the same REP");
        int mad = 14 + 20 + 8 + 12 + 8;
        assertArrayEquals(Arrays.copyOfRange(rep, mad, rep.length - 4),
                Arrays.copyOfRange(again.getFirst(), mad, again.getFirst().length - 4));
        assertEquals(1, engine.queuePairs().size());
    }

    /** Returns the given ids in order (the vector's REP comm id and starting PSN). */
    record ScriptedIds(int commId, int startingPsn) implements IdSource {
        @Override
        public int nextCommId() {
            return commId;
        }

        @Override
        public int nextStartingPsn() {
            return startingPsn;
        }

        @Override
        public int nextQpn(int lowest) {
            return 0x000011; // the vector's collector QPN
        }
    }
}
