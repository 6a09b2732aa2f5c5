package net.dta.translator.dataplane;

import static net.dta.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.ReportEncoder;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RoceRoute;
import net.dta.testkit.ProtocolVectors;
import net.dta.translator.testing.EngineHarness;
import net.dta.translator.testing.TestController;
import p4.v1.P4RuntimeOuterClass.Update;

/**
 * The data path's behaviour beyond the vectors, deterministic (manual clock, no sockets): drop
 * reasons in protocol.md 2.5 order, postcard eviction and idle flush, Append batches at the ring's
 * end and after the flush interval, liveness probes and their answers, and what goes to the
 * controller.
 */
class EngineTest {
    private static final int C = EngineHarness.C;
    static final RequesterSettings SWITCH = new RequesterSettings(false, RequesterSettings.DEFAULT_WINDOW, 5_000_000);
    private final ProtocolVectors vectors = ProtocolVectors.load();
    private final DtaHash hash = new DtaHash();
    private final byte[] buf = new byte[256];
    private final MemorySegment seg = MemorySegment.ofArray(buf);

    private byte[] bytes(int length) {
        return java.util.Arrays.copyOf(buf, length);
    }

    static int opcode(byte[] f) {
        return f[RoceFrameWriter.BTH_OFFSET] & 0xFF;
    }

    static int psn(byte[] f) {
        return Bytes.u24(MemorySegment.ofArray(f), RoceFrameWriter.BTH_OFFSET + 9);
    }

    static boolean ackReq(byte[] f) {
        return (f[RoceFrameWriter.BTH_OFFSET + 8] & 0x80) != 0;
    }

    private static long va(byte[] f) {
        return MemorySegment.ofArray(f).get(Bytes.U64, RoceFrameWriter.BASE_HEADERS);
    }

    static long dmaLength(byte[] f) {
        return Bytes.u32(MemorySegment.ofArray(f), RoceFrameWriter.BASE_HEADERS + 12);
    }

    /** The 8-byte words of a WRITE's payload. */
    private static long[] words(byte[] f) {
        int n = (int) dmaLength(f) / 8;
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = MemorySegment.ofArray(f).get(Bytes.U64, RoceFrameWriter.BASE_HEADERS + 16 + 8L * i);
        }
        return w;
    }

    private static long drops(EngineHarness h, DropReason r) {
        return h.controller.readCounter(CTR_DROPS, r.code()).getPacketCount();
    }

    @Test
    void badReportsAreDroppedWithTheirReasonInProtocolOrderAndSendNothing() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x100, 65536)) {
            TestController c = h.controller;
            // Store 6: no bucket maps; store 7: collector 4 without a queue pair; store 8: no region.
            List<Update> u = new ArrayList<>();
            u.add(c.insert(c.entry(STORES, new long[] {6}, 0, SET_KEY_WRITE_STORE, 10, 8, 2)));
            u.add(c.insert(c.entry(STORES, new long[] {7}, 0, SET_KEY_WRITE_STORE, 10, 8, 2)));
            u.addAll(c.buckets(7, 4));
            u.add(c.insert(c.entry(STORES, new long[] {8}, 0, SET_KEY_WRITE_STORE, 10, 8, 2)));
            u.addAll(c.buckets(8, C));
            c.write(u);
            byte[] key = new byte[16];
            key[0] = 1;
            byte[] kw = vectors.get("kw.report").bytes();

            record Case(DropReason reason, byte[] report) {
            }
            List<Case> cases = new ArrayList<>();
            cases.add(new Case(DropReason.TRUNCATED, java.util.Arrays.copyOf(kw, 3)));
            cases.add(new Case(DropReason.TRUNCATED, java.util.Arrays.copyOf(kw, 27)));
            byte[] v2 = kw.clone();
            v2[0] = 2;
            cases.add(new Case(DropReason.BAD_VERSION, v2));
            byte[] op9 = kw.clone();
            op9[1] = 9;
            cases.add(new Case(DropReason.UNKNOWN_OPCODE, op9));
            cases.add(new Case(DropReason.UNKNOWN_STORE, bytes(ReportEncoder.keyWrite(seg, 0, 77, 2, key, new byte[4]))));
            // A value length that no store has, to a store that does not exist: the store is checked first.
            byte[] odd = bytes(ReportEncoder.keyWrite(seg, 0, 77, 2, key, new byte[12]));
            odd[5] = 5;
            cases.add(new Case(DropReason.UNKNOWN_STORE, odd));
            cases.add(new Case(DropReason.KIND_MISMATCH, bytes(ReportEncoder.keyIncrement(seg, 0, 1, 0, key, 5))));
            cases.add(new Case(DropReason.BAD_VALUE_LENGTH, bytes(ReportEncoder.keyWrite(seg, 0, 1, 2, key, new byte[12]))));
            cases.add(new Case(DropReason.REDUNDANCY_OUT_OF_RANGE, bytes(ReportEncoder.keyWrite(seg, 0, 1, 9, key, new byte[4]))));
            cases.add(new Case(DropReason.REDUNDANCY_OUT_OF_RANGE, bytes(ReportEncoder.keyIncrement(seg, 0, 2, 3, key, 5))));
            cases.add(new Case(DropReason.HOP_OUT_OF_RANGE, bytes(ReportEncoder.postcard(seg, 0, 3, 3, 3, key, 1))));
            cases.add(new Case(DropReason.HOP_OUT_OF_RANGE, bytes(ReportEncoder.postcard(seg, 0, 3, 0, 6, key, 1))));
            cases.add(new Case(DropReason.LIST_OUT_OF_RANGE, bytes(ReportEncoder.append(seg, 0, 4, 4, 1))));
            cases.add(new Case(DropReason.SKETCH_OUT_OF_RANGE, bytes(ReportEncoder.sketchMerge(seg, 0, 5, 2, 0, new int[] {1}, 1))));
            cases.add(new Case(DropReason.SKETCH_OUT_OF_RANGE, bytes(ReportEncoder.sketchMerge(seg, 0, 5, 0, 0x0F, new int[] {1, 2}, 2))));
            cases.add(new Case(DropReason.SKETCH_OUT_OF_RANGE, bytes(ReportEncoder.sketchMerge(seg, 0, 5, 0, 1024, new int[] {1}, 1))));
            cases.add(new Case(DropReason.NO_COLLECTOR, bytes(ReportEncoder.keyWrite(seg, 0, 6, 2, key, new byte[4]))));
            cases.add(new Case(DropReason.QUEUE_PAIR_DOWN, bytes(ReportEncoder.keyWrite(seg, 0, 7, 2, key, new byte[4]))));
            cases.add(new Case(DropReason.NO_REGION, bytes(ReportEncoder.keyWrite(seg, 0, 8, 2, key, new byte[4]))));
            long[] expected = new long[16];
            for (Case x : cases) {
                assertEquals(0, h.report(x.report()).size(), x.reason() + ": nothing is sent");
                expected[x.reason().code()]++;
            }
            // The queue pair's state register gates it too.
            c.write(c.register(REG_QP_UP, C, 0));
            assertEquals(0, h.report(kw).size());
            expected[DropReason.QUEUE_PAIR_DOWN.code()]++;
            for (DropReason r : DropReason.values()) {
                assertEquals(expected[r.code()], drops(h, r), r.label());
            }
            assertEquals(0x100, c.readRegister(REG_NEXT_PSN, C), "no PSN was used");
            for (int op = 1; op <= 5; op++) {
                assertEquals(0, c.readCounter(CTR_REPORTS, op).getPacketCount());
            }
        }
    }

    /** Two flows of the vector store that share a cache entry of a 16-entry cache but not a row. */
    private byte[][] collidingFlows() {
        byte[] f = new byte[16];
        byte[] g = new byte[16];
        java.util.Random r = new java.util.Random(7);
        r.nextBytes(f);
        do {
            r.nextBytes(g);
        } while (hash.index(g, 0, 4) != hash.index(f, 0, 4) || hash.index(g, 0, 8) == hash.index(f, 0, 8));
        return new byte[][] {f, g};
    }

    @Test
    void aCollidingFlowEvictsTheHeldFlowWhoseRowIsWrittenFirst() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x300, 16)) {
            byte[][] flows = collidingFlows();
            byte[] f = flows[0];
            byte[] g = flows[1];
            assertEquals(0, h.report(bytes(ReportEncoder.postcard(seg, 0, 3, 0, 3, f, 0x0A))).size());
            // G (a one-hop path) takes F's entry: F's row with its one hop, then G's complete row.
            List<byte[]> out = h.report(bytes(ReportEncoder.postcard(seg, 0, 3, 0, 1, g, 0x0B)));
            assertEquals(2, out.size());
            assertEquals(EngineHarness.VA + 64L * hash.index(f, 0, 8), va(out.get(0)));
            long[] fRow = words(out.get(0));
            assertEquals(8, fRow.length);
            assertEquals((0x0AL << 32) | (hash.postcardCheck(f, 0, 0x0A) & 0xFFFFFFFFL), fRow[0]);
            for (int i = 1; i < 8; i++) {
                assertEquals(0, fRow[i]);
            }
            assertEquals(EngineHarness.VA + 64L * hash.index(g, 0, 8), va(out.get(1)));
            assertEquals((0x0BL << 32) | (hash.postcardCheck(g, 0, 0x0B) & 0xFFFFFFFFL), words(out.get(1))[0]);
            assertEquals(List.of(0x300, 0x301), List.of(psn(out.get(0)), psn(out.get(1))));
            assertEquals(1, h.engine.stat(EngineCounter.POSTCARD_EVICTIONS));
            assertEquals(0, h.engine.postcardEntriesHeld());
        }
    }

    @Test
    void heldPostcardsAndAppendBatchesAreWrittenOnceIdleForTheFlushInterval() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x300, 65536)) {
            byte[] f = collidingFlows()[0];
            h.report(bytes(ReportEncoder.postcard(seg, 0, 3, 1, 3, f, 0x22)));
            assertEquals(0, h.report(bytes(ReportEncoder.append(seg, 0, 4, 2, 0xAA))).size());
            assertEquals(0, h.advance(999_000).size(), "not idle for 1 ms yet");
            List<byte[]> out = h.advance(1_000);
            assertEquals(2, out.size());
            long[] row = words(out.get(0));
            assertEquals(0, row[0]);
            assertEquals((0x22L << 32) | (hash.postcardCheck(f, 1, 0x22) & 0xFFFFFFFFL), row[1]);
            assertEquals(8, dmaLength(out.get(1)));
            assertEquals(EngineHarness.VA + 8L * (2 * 16), va(out.get(1)), "list 2, position 0");
            assertEquals((1L << 32) | 0xAA, words(out.get(1))[0]);
            assertEquals(1, h.engine.stat(EngineCounter.POSTCARD_IDLE_FLUSHES));
            assertEquals(1, h.engine.stat(EngineCounter.APPEND_IDLE_FLUSHES));
            // The flush interval is a setting.
            h.controller.settings(6, 50, 100);
            h.report(bytes(ReportEncoder.append(seg, 0, 4, 2, 0xBB)));
            assertEquals(1, h.advance(50_000).size());
        }
    }

    @Test
    void anAppendBatchNeverWrapsTheRing() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x400, 65536)) {
            // Position 0 alone (idle flush), then batches of two from position 1: [1,2] .. [13,14], [15] at the
            // ring's end, then [16,17] at the ring's start.
            h.report(bytes(ReportEncoder.append(seg, 0, 4, 0, 0)));
            assertEquals(1, h.advance(2_000_000).size());
            List<byte[]> out = new ArrayList<>();
            for (int p = 1; p <= 17; p++) {
                out.addAll(h.report(bytes(ReportEncoder.append(seg, 0, 4, 0, p))));
            }
            assertEquals(9, out.size());
            byte[] end = out.get(7);
            assertEquals(8, dmaLength(end));
            assertEquals(EngineHarness.VA + 8 * 15, va(end));
            assertEquals((16L << 32) | 15, words(end)[0]);
            byte[] wrapped = out.get(8);
            assertEquals(EngineHarness.VA, va(wrapped));
            assertEquals((17L << 32) | 16, words(wrapped)[0]);
            assertEquals((18L << 32) | 17, words(wrapped)[1]);
            assertEquals(18, h.controller.readRegister(REG_APPEND_TAIL, 0));
        }
    }

    static byte[] reply(int opcode, int psn, int syndrome) {
        byte[] f = new byte[128];
        RoceRoute back = RoceRoute.forQueuePair(2, 1, EngineHarness.COLLECTOR, EngineHarness.TRANSLATOR, 0x11);
        int len = opcode == RoceOpcode.RC_ATOMIC_ACKNOWLEDGE
                ? new RoceFrameWriter().atomicAcknowledge(MemorySegment.ofArray(f), 0, back, BASE_QPN + C, psn, 1, 0)
                : new RoceFrameWriter().acknowledge(MemorySegment.ofArray(f), 0, back, BASE_QPN + C, psn, syndrome, 1);
        return java.util.Arrays.copyOf(f, len);
    }

    static byte[] readResponseOnly(int psn) {
        byte[] f = new byte[128];
        RoceRoute back = RoceRoute.forQueuePair(2, 1, EngineHarness.COLLECTOR, EngineHarness.TRANSLATOR, 0x11);
        int len = new RoceFrameWriter().readResponse(MemorySegment.ofArray(f), 0, back, RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY,
                BASE_QPN + C, psn, 1, MemorySegment.ofArray(new byte[0]), 0, 0);
        return java.util.Arrays.copyOf(f, len);
    }

    @Test
    void aProbeIsAZeroLengthReadAtTheNextPsnAndItsReadResponseMeansAlive() throws Exception {
        // A switch requester: a retransmitting one resends the writes first (RetransmissionTest).
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536, SWITCH)) {
            TestController c = h.controller;
            assertEquals(2, h.report(vectors.get("kw.report").bytes()).size());
            assertEquals(0, h.advance(99_000_000).size(), "nothing outstanding for 100 ms yet");
            List<byte[]> probe = h.advance(1_000_000);
            assertEquals(1, probe.size());
            byte[] p = probe.get(0);
            assertEquals(RoceOpcode.RC_RDMA_READ_REQUEST, opcode(p));
            assertEquals(0x101, psn(p), "the next PSN: a probe consumes one PSN like any request");
            assertEquals(0, va(p));
            assertEquals(0, dmaLength(p));
            assertEquals(0x102, c.readRegister(REG_NEXT_PSN, C));
            assertEquals(1, c.readCounter(CTR_QP_PROBES, C).getPacketCount());
            h.roce(readResponseOnly(0x101));
            assertEquals(0x101, c.readRegister(REG_LAST_ACKED_PSN, C), "everything up to the probe arrived");
            assertEquals(0x102, c.readRegister(REG_NEXT_PSN, C));
            assertEquals(0, c.readRegister(REG_LOST_PACKETS, C));
            assertEquals(0, h.advance(100_000_000).size(), "nothing outstanding after the answer");
            assertEquals(1, c.readRegister(REG_QP_UP, C));
        }
    }

    @Test
    void aLateOrdinaryAckNeverRewindsTheNextPsn() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536)) {
            TestController c = h.controller;
            h.report(vectors.get("kw.report").bytes());
            h.advance(100_000_000);
            h.report(vectors.get("kw.report").bytes());
            int next = (int) c.readRegister(REG_NEXT_PSN, C);
            // An ACK of the first write, delayed past the probe: it acknowledges, it does not resynchronise.
            h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x0FF, AethSyndrome.ACK));
            assertEquals(next, c.readRegister(REG_NEXT_PSN, C));
            assertEquals(0x0FF, c.readRegister(REG_LAST_ACKED_PSN, C));
            assertEquals(0, c.readRegister(REG_LOST_PACKETS, C));
            assertEquals(0, c.readCounter(CTR_QP_RESYNCS, C).getPacketCount());
        }
    }

    @Test
    void aSwitchRequesterResynchronisesAtTheNakTheProbeDrawsAndCountsWhatFollowedTheGapLost() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536, SWITCH)) {
            TestController c = h.controller;
            h.report(vectors.get("kw.report").bytes());
            assertEquals(1, h.advance(100_000_000).size());
            // The responder never saw the two writes: the probe (PSN 0x101) is ahead, it NAKs expecting 0xFF.
            h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x0FF, AethSyndrome.NAK_PSN_SEQUENCE_ERROR));
            assertEquals(3, c.readRegister(REG_LOST_PACKETS, C), "the two writes and the probe's PSN");
            assertEquals(0x0FF, c.readRegister(REG_NEXT_PSN, C));
            assertEquals(1, c.readCounter(CTR_QP_RESYNCS, C).getPacketCount());
            assertEquals(1, h.engine.ledger().lost(1, ReportLedger.LossReason.RESYNC), "the Key-Write report, by primitive");
            assertEquals(0, h.engine.ledger().inFlight(1));
        }
    }

    @Test
    void threeUnansweredProbesPutTheQueuePairDownAndTellTheController() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536)) {
            TestController c = h.controller;
            assertEquals(2, h.report(vectors.get("kw.report").bytes()).size());
            for (int i = 0; i < 3; i++) {
                // The retransmitting requester also resends what is outstanding (writes, earlier probes) each time.
                assertEquals(RoceOpcode.RC_RDMA_READ_REQUEST, opcode(h.advance(100_000_000).getLast()));
            }
            assertEquals(3, c.readCounter(CTR_QP_PROBES, C).getPacketCount());
            int next = (int) c.readRegister(REG_NEXT_PSN, C);
            h.advance(100_000_000);
            assertEquals(3, c.readCounter(CTR_QP_PROBES, C).getPacketCount(), "no fourth probe");
            assertEquals(1, h.engine.ledger().lost(1, ReportLedger.LossReason.QUEUE_PAIR_DOWN), "the Key-Write report");
            assertEquals(0, c.readRegister(REG_QP_UP, C));
            var in = c.awaitPacketIn(REASON_QUEUE_PAIR_TIMEOUT);
            byte[] notice = in.getPayload().toByteArray();
            assertEquals(RoceOpcode.RC_RDMA_READ_REQUEST, opcode(notice));
            assertEquals(next, psn(notice), "the notice carries the next PSN without taking it");
            assertEquals(next, c.readRegister(REG_NEXT_PSN, C));
            assertEquals(0, h.report(vectors.get("kw.report").bytes()).size());
            assertEquals(1, drops(h, DropReason.QUEUE_PAIR_DOWN));
            // The controller reconnects: writing the registers starts the queue pair afresh.
            c.write(c.register(REG_QP_UP, C, 1));
            assertEquals(2, h.report(vectors.get("kw.report").bytes()).size());
        }
    }

    @Test
    void atomicAcksAcknowledgeAndOtherNaksAreCounted() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x200, 65536)) {
            TestController c = h.controller;
            h.report(vectors.get("ki.report.0").bytes());
            h.roce(reply(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, 0x200, 0));
            assertEquals(0x200, c.readRegister(REG_LAST_ACKED_PSN, C));
            assertEquals(1, c.readCounter(CTR_QP_ACKS, C).getPacketCount());
            // The NAK names a PSN sent and not acknowledged (only such a NAK is believed).
            h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x201, AethSyndrome.NAK_INVALID_REQUEST));
            assertEquals(1, c.readCounter(CTR_QP_NAKS, C * 4 + 1).getPacketCount());
            assertEquals(0, c.readRegister(REG_QP_UP, C));
            c.awaitPacketIn(REASON_QUEUE_PAIR_ERROR);
        }
    }

    @Test
    void cmMadsReadResponsesAndUnknownQueuePairsGoToTheControllerAndBadPacketsAreDropped() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x100, 65536)) {
            TestController c = h.controller;
            h.roce(vectors.get("cm.rep").bytes());
            assertEquals(REASON_CM_MAD, c.reason(c.awaitPacketIn(REASON_CM_MAD)));
            byte[] f = new byte[256];
            RoceRoute back = RoceRoute.forQueuePair(2, 1, EngineHarness.COLLECTOR, EngineHarness.TRANSLATOR, 0x11);
            int len = new RoceFrameWriter().readResponse(MemorySegment.ofArray(f), 0, back, RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY,
                    BASE_QPN + C, 0x100, 1, MemorySegment.ofArray(new byte[32]), 0, 32);
            // READ responses belong to the controller while the queue pair is down (its catalog READ).
            c.write(c.register(REG_QP_UP, C, 0));
            h.roce(java.util.Arrays.copyOf(f, len));
            c.awaitPacketIn(REASON_READ_RESPONSE);
            c.write(c.register(REG_QP_UP, C, 1));
            len = new RoceFrameWriter().acknowledge(MemorySegment.ofArray(f), 0, back, BASE_QPN + 9, 1, AethSyndrome.ACK, 1);
            h.roce(java.util.Arrays.copyOf(f, len));
            c.awaitPacketIn(REASON_UNKNOWN_QUEUE_PAIR);
            // A bad ICRC (raw mode verifies it), and a packet to an address that is not the translator's.
            byte[] corrupt = vectors.get("reply.ack").bytes();
            corrupt[corrupt.length - 1] ^= 1;
            h.roce(corrupt);
            assertEquals(1, h.engine.stat(EngineCounter.ROCE_BAD_ICRC));
            RoceRoute elsewhere = RoceRoute.forQueuePair(2, 1, EngineHarness.COLLECTOR, EngineHarness.TRANSLATOR + 5, 0x11);
            len = new RoceFrameWriter().acknowledge(MemorySegment.ofArray(f), 0, elsewhere, BASE_QPN + C, 1, AethSyndrome.ACK, 1);
            h.roce(java.util.Arrays.copyOf(f, len));
            assertEquals(1, h.engine.stat(EngineCounter.ROCE_NOT_LOCAL));
            assertEquals(0, c.readCounter(CTR_QP_ACKS, C).getPacketCount());
        }
    }

    @Test
    void translatingAReportAllocatesNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (EngineHarness h = EngineHarness.withVectorState(0x100, 65536); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            h.capture = false;
            MemorySegment[] reports = new MemorySegment[5];
            int[] lengths = new int[5];
            String[] names = {"kw.report", "ki.report.0", "pc.report.0", "ap.report.0", "sk.report.0"};
            MemorySegment ack = arena.allocate(128);
            RoceFrameWriter ackWriter = new RoceFrameWriter();
            RoceRoute back = RoceRoute.forQueuePair(2, 1, EngineHarness.COLLECTOR, EngineHarness.TRANSLATOR, 0x11);
            int ackLength = ackWriter.acknowledge(ack, 0, back, BASE_QPN + C, 0, AethSyndrome.ACK, 1);
            for (int i = 0; i < 5; i++) {
                byte[] b = vectors.get(names[i]).bytes();
                reports[i] = arena.allocate(64);
                MemorySegment.copy(MemorySegment.ofArray(b), 0, reports[i], 0, b.length);
                lengths[i] = b.length;
            }
            for (int round = 0; round < 2; round++) {
                long started = System.nanoTime();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000; i++) {
                    h.feed(reports[i % 5], lengths[i % 5]);
                    if (i % 32 == 31) {
                        h.engine.flush();
                        // The collector acknowledges: the window stays open, and the ACK path is measured too.
                        int acked = (h.pipeline.registers().nextPsn(C) - 1) & 0xFF_FFFF;
                        ackWriter.acknowledge(ack, 0, back, BASE_QPN + C, acked, AethSyndrome.ACK, 1);
                        h.feedRoce(ack, ackLength);
                    }
                }
                h.engine.flush();
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (round == 1) {
                    assertTrue(allocated < 64 * 1024, "20000 reports allocated " + allocated + " bytes");
                    System.out.printf("engine alone: 20000 reports (KW N=2, KI N=2, postcard, append B=2, sketch) in %.1f ms, "
                            + "%d bytes allocated%n", (System.nanoTime() - started) / 1e6, allocated);
                }
            }
            assertTrue(h.framesSent > 40_000);
        }
    }
}
