package net.dta.rdma.soft;

import net.dta.rdma.cm.CmPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * Any bytes: the RoCEv2 parser and the CM parser never throw and bound what they accept by the
 * frame; the whole responder (with a queue pair and a region, as in protocol.md 10) never fails
 * internally and never writes outside its region (guard bytes around it stay intact).
 * Seeds: src/test/resources/net/dta/rdma/soft/ResponderFuzzTestInputs/ (the vector packets).
 */
class ResponderFuzzTest {
    private static final long VA = 0x00007F0000000000L;
    private static final int GUARD = 4096;
    private static final int REGION = 1 << 16;
    private static final byte PATTERN = (byte) 0xA5;

    private static final Arena ARENA = Arena.ofShared();
    private static final MemorySegment BACKING = ARENA.allocate(GUARD + REGION + GUARD, 4096);
    private static final SoftRoceEngine ENGINE = engine();
    private static final CollectingSink SINK = new CollectingSink();
    private static final MemorySegment GUARD_PATTERN = ARENA.allocate(GUARD).fill(PATTERN);

    private static SoftRoceEngine engine() {
        try {
            SoftRoceEngine e = new SoftRoceEngine(SoftRoceConfig.of(SoftRoceConfig.Mode.RAW, "10.0.0.2", CmPolicy.withSecret(net.dta.testkit.TestCmSecret.bytes()))
                .withClock(ResponderVectorsTest.VECTOR_CLOCK)
                    .withErrorOnNak(false).withMaxReadBytes(8192), -1);
            e.restore(List.of(new QueuePairState(0x11, new byte[] {10, 0, 0, 1}, 0x103, 0xFF, 0, 1024, 1, 2)));
            e.regions.register(BACKING.asSlice(GUARD, REGION),
                    EnumSet.of(Access.REMOTE_WRITE, Access.REMOTE_READ, Access.REMOTE_ATOMIC),
                    new RegionRequest(VA, new int[] {0x1234}));
            BACKING.fill(PATTERN);
            return e;
        } catch (RdmaException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyFrame(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        RocePacket p = new RocePacket();
        for (boolean verify : new boolean[] {false, true}) {
            MalformedReason r = p.parse(s, 0, frame.length, verify);
            if (r == MalformedReason.OK) {
                assertTrue(p.payloadOffset() + p.payloadLength() + 4 <= frame.length);
                assertTrue(p.payloadLength() >= 0);
                p.bth().psn();
                p.carriedIcrc();
            }
        }
        feed(frame);
    }

    @FuzzTest(maxDuration = "30s")
    void anyCmMessage(byte[] mad) {
        // Whatever the bytes, wrap them in a well-formed UD SEND to QP 1 so that the CM layer sees them.
        MemorySegment frame = MemorySegment.ofArray(new byte[2048]);
        int len = new net.dta.rdma.wire.RoceFrameWriter()
                .begin(frame, 0, RoceRoute.forQueuePair(1, 2, 0x0A000001, 0x0A000002, 1),
                        net.dta.rdma.wire.RoceOpcode.UD_SEND_ONLY, 1, 0, false)
                .deth(net.dta.rdma.wire.Deth.GSI_QKEY, 1)
                .payload(MemorySegment.ofArray(mad), 0, Math.min(mad.length, 1024))
                .finish();
        RocePacket p = new RocePacket();
        assertEquals(MalformedReason.OK, p.parse(frame, 0, len, true));
        CmPacket cm = new CmPacket();
        if (cm.parse(p) == CmParseResult.OK && cm.attributeId() == net.dta.rdma.cm.CmAttribute.REQ) {
            assertEquals(92, cm.req().privateData().length);
            cm.req().primaryLocalGid();
        }
        feed(frame.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
    }

    private static void feed(byte[] frame) {
        ENGINE.responder.beginBatch();
        try {
            ENGINE.responder.onFrame(MemorySegment.ofArray(frame), 0, frame.length, false, SINK);
        } finally {
            ENGINE.responder.endBatch();
        }
        SINK.take();
        assertEquals(0L, ENGINE.counters().drops().get("internal_error"), "no internal error");
        assertEquals(-1, BACKING.asSlice(0, GUARD).mismatch(GUARD_PATTERN), "guard before the region");
        assertEquals(-1, BACKING.asSlice(GUARD + REGION, GUARD).mismatch(GUARD_PATTERN), "guard after the region");
    }
}
