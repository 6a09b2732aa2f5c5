package net.dta.translator.dataplane;

import static net.dta.p4.TranslatorP4Names.*;
import static net.dta.translator.dataplane.EngineTest.opcode;
import static net.dta.translator.dataplane.EngineTest.psn;
import static net.dta.translator.dataplane.EngineTest.readResponseOnly;
import static net.dta.translator.dataplane.EngineTest.reply;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.testkit.ProtocolVectors;
import net.dta.translator.testing.EngineHarness;
import net.dta.translator.testing.TestController;

/**
 * The retransmitting requester (protocol.md 5.6), deterministic (manual clock, no sockets): a
 * sequence NAK resends from its PSN, the timeout resends from the first request not acknowledged,
 * always the frames as first sent; a full window drops and counts; every report ends applied or
 * lost by reason, per primitive.
 */
class RetransmissionTest {
    private static final int C = EngineHarness.C;
    private static final int KEY_WRITE = 1;
    private static final int KEY_INCREMENT = 2;
    private final ProtocolVectors vectors = ProtocolVectors.load();

    /** A 1 ms retransmit timeout (the default is 50 ms): the timings below are in its units. */
    private static final RequesterSettings ONE_MS = new RequesterSettings(true, RequesterSettings.DEFAULT_WINDOW, 1_000_000);

    @Test
    void aSequenceNakResendsEveryRequestFromItsPsnAsFirstSentAndLosesNothing() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536, ONE_MS)) {
            TestController c = h.controller;
            List<byte[]> sent = new ArrayList<>(h.report(vectors.get("kw.report").bytes())); // PSN 0xFF, 0x100
            sent.addAll(h.report(vectors.get("ki.report.0").bytes()));                       // PSN 0x101, 0x102
            assertEquals(4, sent.size());
            // The responder lost 0x100: it NAKs expecting it (and drops 0x101, 0x102).
            List<byte[]> again = new ArrayList<>(h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x100, AethSyndrome.NAK_PSN_SEQUENCE_ERROR)));
            // One request ran between losses (0xFF): the send window is 2 x 1, so 0x100 and 0x101 go now.
            assertEquals(2, again.size(), "the send window after the loss");
            assertEquals(2, h.engine.sendWindowAndTimeout(C)[0]);
            // A second NAK naming 0x100 crossed that resend: nothing is sent again.
            assertEquals(0, h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x100, AethSyndrome.NAK_PSN_SEQUENCE_ERROR)).size());
            assertEquals(1, h.engine.stat(EngineCounter.NAKS_ALREADY_RESENT));
            again.addAll(h.roce(reply(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, 0x101, 0)));
            assertEquals(3, again.size(), "0x100 .. next PSN - 1, the last one when the window opened");
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(sent.get(i + 1), again.get(i), "the frame of PSN 0x" + Integer.toHexString(0x100 + i) + " as first sent");
            }
            assertEquals(0x103, c.readRegister(REG_NEXT_PSN, C), "the next PSN does not move");
            assertEquals(0x101, c.readRegister(REG_LAST_ACKED_PSN, C), "the NAK acknowledged 0xFF, the ATOMIC ACK 0x100 and 0x101");
            assertEquals(0, c.readRegister(REG_LOST_PACKETS, C));
            assertEquals(0, c.readCounter(CTR_QP_RESYNCS, C).getPacketCount(), "no resynchronisation: nothing lost");
            assertEquals(3, h.engine.stat(EngineCounter.RETRANSMITTED));
            ReportLedger ledger = h.engine.ledger();
            assertEquals(1, ledger.applied(KEY_WRITE), "0x101 carried the Key-Write report");
            assertEquals(1, ledger.inFlight(KEY_INCREMENT));

            h.roce(reply(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, 0x102, 0));
            assertEquals(1, ledger.applied(KEY_WRITE));
            assertEquals(1, ledger.applied(KEY_INCREMENT));
            assertEquals(0, ledger.inFlight(KEY_WRITE) + ledger.inFlight(KEY_INCREMENT));
            assertEquals(1, h.engine.stat(EngineCounter.GO_BACK_N));
        }
    }

    @Test
    void theSendWindowIsTwiceTheRunBetweenLossesAndBoundsWhatAGoBackResends() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x200, 65536, ONE_MS)) {
            int frames = 0;
            for (int i = 0; i < 50; i++) {
                frames += h.report(vectors.get("ki.report.0").bytes()).size(); // 2 FETCH_ADDs each, from PSN 0x200
            }
            assertEquals(100, frames, "no loss yet: the whole ring may be in flight");
            assertEquals(RequesterSettings.DEFAULT_WINDOW - 1, h.engine.sendWindowAndTimeout(C)[0]);
            // 0x200..0x208 executed (9 requests), 0x209 lost: the run between losses is 9, the window 18.
            h.roce(reply(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, 0x207, 0));
            List<byte[]> again = h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x209, AethSyndrome.NAK_PSN_SEQUENCE_ERROR));
            assertEquals(18, h.engine.sendWindowAndTimeout(C)[0]);
            assertEquals(18, again.size(), "go-back-N resends a window, not all 91 requests after the gap");
            assertEquals(0x209, psn(again.get(0)));
            assertEquals(1, h.engine.stat(EngineCounter.GO_BACK_N));
            // Acknowledgements open the window (and a longer run than the mean widens it).
            List<byte[]> more = h.roce(reply(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, 0x209 + 9, 0));
            assertEquals(20, h.engine.sendWindowAndTimeout(C)[0], "a run of 10 since the loss: 2 x 10");
            assertEquals(12, more.size(), "8 still in flight: 12 more transmitted");
            assertEquals(0x209 + 18, psn(more.get(0)));
            more = h.roce(reply(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, 0x209 + 27, 0)); // a run of 28 > the mean 9
            assertEquals(56, h.engine.sendWindowAndTimeout(C)[0]);
            ReportLedger ledger = h.engine.ledger();
            assertEquals(50, ledger.applied(KEY_INCREMENT) + ledger.inFlight(KEY_INCREMENT), "nothing lost");
            assertEquals(0, ledger.lost(KEY_INCREMENT, ReportLedger.LossReason.RETRANSMIT_WINDOW));
        }
    }

    @Test
    void theTimeoutSendsAPsnQueryAndGoesBackToThePsnItsAnswerNames() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536, ONE_MS)) {
            TestController c = h.controller;
            List<byte[]> sent = h.report(vectors.get("kw.report").bytes()); // PSN 0xFF, 0x100
            assertEquals(0, h.advance(999_999).size(), "before the timeout (1 ms)");
            List<byte[]> query = h.advance(1);
            assertEquals(1, query.size());
            byte[] q = query.get(0);
            assertEquals(RoceOpcode.RC_RDMA_WRITE_ONLY, opcode(q));
            assertEquals(0x0FE, psn(q), "at the last PSN acknowledged: a duplicate, never executed again");
            assertEquals(0, EngineTest.dmaLength(q));
            assertTrue(EngineTest.ackReq(q));
            assertEquals(0x101, c.readRegister(REG_NEXT_PSN, C), "a query takes no PSN");
            assertEquals(1, h.engine.stat(EngineCounter.PSN_QUERIES));
            // The responder had executed 0xFF only (the request 0x100 was lost): it answers with 0xFF.
            List<byte[]> again = h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x0FF, AethSyndrome.ACK));
            assertEquals(1, again.size(), "back to 0x100, as first sent");
            assertArrayEquals(sent.get(1), again.get(0));
            assertEquals(0x0FF, c.readRegister(REG_LAST_ACKED_PSN, C));
            // A late duplicate ACK changes nothing and is not taken for a spoofed reply.
            assertEquals(0, h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x0FF, AethSyndrome.ACK)).size());
            assertEquals(1, h.engine.stat(EngineCounter.DUPLICATE_ACKS));
            assertEquals(0, h.engine.stat(EngineCounter.REPLIES_OUTSIDE_WINDOW));
            h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x100, AethSyndrome.ACK));
            assertEquals(1, h.engine.ledger().applied(KEY_WRITE));
            assertEquals(0, h.advance(100_000_000).size(), "nothing outstanding: no query, no probe");
            assertEquals(1, h.engine.stat(EngineCounter.RETRANSMITTED));
        }
    }

    @Test
    void aFullWindowDropsReportsAndCountsThemByPrimitiveUntilTheCollectorAcknowledges() throws Exception {
        // Window 64: at most 60 data requests outstanding (63, of which 3 kept for probes).
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536, new RequesterSettings(true, 64, 5_000_000))) {
            int frames = 0;
            for (int i = 0; i < 31; i++) {
                frames += h.report(vectors.get("kw.report").bytes()).size();
            }
            assertEquals(60, frames, "30 reports of 2 requests");
            ReportLedger ledger = h.engine.ledger();
            assertEquals(1, ledger.lost(KEY_WRITE, ReportLedger.LossReason.RETRANSMIT_WINDOW));
            assertEquals(2, h.engine.stat(EngineCounter.LOST_RETRANSMIT_WINDOW), "its two requests were not sent");
            assertEquals(30, ledger.inFlight(KEY_WRITE));
            // The probe still goes (the window keeps room for three), and its answer acknowledges all.
            List<byte[]> out = h.advance(100_000_000);
            byte[] probe = out.get(out.size() - 1);
            assertEquals(RoceOpcode.RC_RDMA_READ_REQUEST, opcode(probe));
            h.roce(readResponseOnly(psn(probe)));
            assertEquals(30, ledger.applied(KEY_WRITE));
            assertEquals(2, h.report(vectors.get("kw.report").bytes()).size(), "room again");
            assertEquals(32, h.controller.readCounter(CTR_REPORTS, KEY_WRITE).getPacketCount());
            assertEquals(32, ledger.applied(KEY_WRITE) + ledger.inFlight(KEY_WRITE)
                    + ledger.lost(KEY_WRITE, ReportLedger.LossReason.RETRANSMIT_WINDOW), "accepted = applied + in flight + lost");
        }
    }

    @Test
    void heldPostcardsAndAppendEntriesAreAccountedUntilTheirWriteIsAcknowledged() throws Exception {
        try (EngineHarness h = EngineHarness.withVectorState(0x0FF, 65536, ONE_MS)) {
            ReportLedger ledger = h.engine.ledger();
            assertEquals(0, h.report(vectors.get("ap.report.0").bytes()).size(), "batch of 2: held");
            assertEquals(1, ledger.held(4));
            assertEquals(1, h.report(vectors.get("ap.report.1").bytes()).size(), "the batch is written");
            assertEquals(0, ledger.held(4));
            assertEquals(2, ledger.inFlight(4), "one WRITE carries both entries");
            h.report(vectors.get("pc.report.0").bytes());
            h.report(vectors.get("pc.report.0").bytes());
            assertEquals(1, ledger.held(3));
            assertEquals(1, ledger.lost(3, ReportLedger.LossReason.SUPERSEDED), "the same hop again replaces the first");
            h.roce(reply(RoceOpcode.RC_ACKNOWLEDGE, 0x0FF, AethSyndrome.ACK));
            assertEquals(2, ledger.applied(4));
        }
    }
}
