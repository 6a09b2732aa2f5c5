package net.dta.translator;

import static net.dta.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.testkit.ProtocolVectors;
import net.dta.translator.dataplane.RequesterSettings;
import net.dta.translator.testing.EngineHarness;

/**
 * Every translation vector of protocol.md section 10: the vector's report, fed to a translator
 * programmed (through P4Runtime) with the vector's state, gives exactly the vector's frames.
 */
class VectorTest {
    private static final int C = EngineHarness.C;

    private final ProtocolVectors vectors = ProtocolVectors.load();

    private static EngineHarness programmed(int nextPsn) throws Exception {
        return EngineHarness.withVectorState(nextPsn, 65536);
    }

    private void assertFrames(List<byte[]> frames, String... names) {
        assertEquals(names.length, frames.size(), "frames emitted");
        for (int i = 0; i < names.length; i++) {
            byte[] expected = vectors.get(names[i]).bytes();
            assertArrayEquals(expected, frames.get(i), names[i] + ": expected " + HexFormat.of().formatHex(expected) + "\n got "
                    + HexFormat.of().formatHex(frames.get(i)));
        }
    }

    @Test
    void keyWriteReportBecomesTheTwoWritesOfTheVector() throws Exception {
        try (EngineHarness h = programmed(0x0000FF)) {
            assertFrames(h.report(vectors.get("kw.report").bytes()), "kw.packet.0", "kw.packet.1");
            assertEquals(0x101, h.controller.readRegister(REG_NEXT_PSN, C));
        }
    }

    @Test
    void anUnacknowledgedKeyWriteBringsThePsnQueryOfTheVectorAfterTheTimeout() throws Exception {
        RequesterSettings oneMs = new RequesterSettings(true, RequesterSettings.DEFAULT_WINDOW, 1_000_000);
        try (EngineHarness h = EngineHarness.withVectorState(0x0000FF, 65536, oneMs)) {
            assertFrames(h.report(vectors.get("kw.report").bytes()), "kw.packet.0", "kw.packet.1");
            assertFrames(h.advance(1_000_000), "psn-query");
            assertEquals(0x101, h.controller.readRegister(REG_NEXT_PSN, C), "the query takes no PSN");
        }
    }

    @Test
    void keyIncrementReportsBecomeTheFourFetchAddsOfTheVector() throws Exception {
        try (EngineHarness h = programmed(0x000200)) {
            List<byte[]> frames = new ArrayList<>(h.report(vectors.get("ki.report.0").bytes()));
            frames.addAll(h.report(vectors.get("ki.report.1").bytes()));
            assertFrames(frames, "ki.packet.0", "ki.packet.1", "ki.packet.2", "ki.packet.3");
        }
    }

    @Test
    void thirdPostcardCompletesThePathAndWritesTheRowOfTheVector() throws Exception {
        try (EngineHarness h = programmed(0x000300)) {
            assertEquals(0, h.report(vectors.get("pc.report.0").bytes()).size());
            assertEquals(0, h.report(vectors.get("pc.report.1").bytes()).size());
            assertFrames(h.report(vectors.get("pc.report.2").bytes()), "pc.packet.0");
            assertEquals(0, h.engine.postcardEntriesHeld());
        }
    }

    @Test
    void twoAppendsMakeTheBatchOfTheVector() throws Exception {
        try (EngineHarness h = programmed(0x0003FF)) {
            assertEquals(0, h.report(vectors.get("ap.report.0").bytes()).size());
            assertFrames(h.report(vectors.get("ap.report.1").bytes()), "ap.packet.0");
            assertEquals(2, h.controller.readRegister(REG_APPEND_TAIL, 1));
        }
    }

    @Test
    void sketchMergeReportsBecomeTheFetchAddsOfTheVector() throws Exception {
        try (EngineHarness h = programmed(0x0004FF)) {
            List<byte[]> frames = new ArrayList<>(h.report(vectors.get("sk.report.0").bytes()));
            frames.addAll(h.report(vectors.get("sk.report.1").bytes()));
            assertFrames(frames, "sk.packet.0", "sk.packet.1");
        }
    }

    @Test
    void catalogReadRequestSentAsPacketOutIsTheVectorsFrame() throws Exception {
        try (EngineHarness h = programmed(0xABCDEF)) {
            byte[] frame = vectors.get("catalog.read-request").bytes();
            h.controller.packetOut(frame, 0);
            // The in-process service hands PacketOuts to the data plane; the engine routes and sends them.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (h.packetOuts().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            h.engine.refresh();
            h.engine.packetOut(h.packetOuts().get(0), 0);
            h.engine.flush();
            assertFrames(h.take(), "catalog.read-request");
        }
    }

    @Test
    void repliesOfTheVectorsUpdateTheQueuePair() throws Exception {
        // A switch requester, as the P4 programs (protocol.md 5.6): RetransmissionTest has the other class.
        try (EngineHarness h = EngineHarness.withVectorState(0x0000FF, 65536,
                new net.dta.translator.dataplane.RequesterSettings(false, 1024, 1_000_000))) {
            // kw.packet.0 (PSN 0xFF) lost: the NAK names 0xFF; the 0x101 - 0xFF = 2 packets from there were lost.
            h.report(vectors.get("kw.report").bytes());
            h.roce(vectors.get("reply.nak-psn").bytes());
            assertEquals(0xFF, h.controller.readRegister(REG_NEXT_PSN, C));
            assertEquals(2, h.controller.readRegister(REG_LOST_PACKETS, C));
            assertEquals(1, h.controller.readCounter(CTR_QP_RESYNCS, C).getPacketCount());
            assertEquals(1, h.controller.readCounter(CTR_QP_NAKS, C * 4).getPacketCount());
            // Sent again from 0xFF; the ACK of kw.packet.1 acknowledges both.
            h.report(vectors.get("kw.report").bytes());
            h.roce(vectors.get("reply.ack").bytes());
            assertEquals(0x100, h.controller.readRegister(REG_LAST_ACKED_PSN, C));
            assertEquals(1, h.controller.readCounter(CTR_QP_ACKS, C).getPacketCount());
            // The same NAK again (stale, or spoofed): 0xFF is acknowledged, outside the window: ignored.
            h.roce(vectors.get("reply.nak-psn").bytes());
            assertEquals(0x101, h.controller.readRegister(REG_NEXT_PSN, C));
            assertEquals(2, h.controller.readRegister(REG_LOST_PACKETS, C));
            assertEquals(1, h.engine.stat(net.dta.translator.dataplane.EngineCounter.REPLIES_OUTSIDE_WINDOW));
            // A NAK from another address (issue 13 item 7), even in the window: ignored, counted.
            h.report(vectors.get("kw.report").bytes()); // 0x101, 0x102 outstanding
            byte[] spoofed = vectors.get("reply.nak-psn").bytes();
            spoofed[29] = 3; // IPv4 source 10.0.0.3
            java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofArray(spoofed);
            new net.dta.packetio.wire.Ipv4Header().wrap(seg, 14).updateChecksum();
            new net.dta.rdma.wire.Icrc().store(seg, 14, spoofed.length - 14 - 4);
            spoofed[14 + 20 + 8 + 9] = 0;  // PSN 0x000101: in the window
            spoofed[14 + 20 + 8 + 10] = 1;
            spoofed[14 + 20 + 8 + 11] = 1;
            new net.dta.rdma.wire.Icrc().store(seg, 14, spoofed.length - 14 - 4);
            h.roce(spoofed);
            assertEquals(0x103, h.controller.readRegister(REG_NEXT_PSN, C), "not rewound");
            assertEquals(2, h.controller.readRegister(REG_LOST_PACKETS, C));
            assertEquals(1, h.engine.stat(net.dta.translator.dataplane.EngineCounter.REPLIES_WRONG_SOURCE));
        }
        try (EngineHarness h = programmed(0x0000FF)) {
            // A remote access error for kw.packet.1: the queue pair is down and the controller hears of it.
            h.report(vectors.get("kw.report").bytes());
            h.roce(vectors.get("reply.nak-access").bytes());
            assertEquals(0, h.controller.readRegister(REG_QP_UP, C));
            assertEquals(1, h.controller.readCounter(CTR_QP_NAKS, C * 4 + 2).getPacketCount());
            var in = h.controller.awaitPacketIn(REASON_QUEUE_PAIR_ERROR);
            assertEquals(vectors.get("reply.nak-access").bytes().length, in.getPayload().size());
        }
    }
}
