package net.dta.reporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.protocol.hash.DtaHash;
import net.dta.testkit.ProtocolVectors;

/** The library over a real UDP socket: what arrives is byte for byte what protocol.md section 10 says. */
class DtaReporterTest {
    static final byte[] KEY = HexFormat.of().parseHex("0a0000010a0000021f90005006000000");
    final ProtocolVectors vectors = ProtocolVectors.load();

    @Test
    void everyPrimitiveArrivesAsTheDocumentedReportBytes() throws Exception {
        List<String> names = List.of("kw.report", "ki.report.0", "ki.report.1", "pc.report.0", "pc.report.1", "pc.report.2",
                "ap.report.0", "ap.report.1", "sk.report.0", "sk.report.1");
        DtaHash hash = new DtaHash();
        try (ReportReceiver rx = ReportReceiver.keeping(); DtaReporter r = DtaReporter.open(rx.target())) {
            r.keyWrite(1, KEY, 7, 2);
            r.keyIncrement(2, KEY, 1500);
            r.keyIncrement(2, KEY, 500);
            int[] hops = {0x01000010, 0x02000020, 0x03000030};
            for (int h = 0; h < 3; h++) {
                r.postcard(3, KEY, h, 3, hops[h]);
            }
            r.append(4, 1, 0xDEAD0001);
            r.append(4, 1, 0xDEAD0002);
            for (int row = 0; row < 2; row++) {
                r.sketchMerge(5, row, hash.index(KEY, row, 10), new int[] {42});
            }
            assertEquals(10, r.pending(), "a batch of 64 holds the reports until flush");
            assertEquals(10, r.flush());
            assertEquals(names.size(), rx.await(names.size(), Duration.ofSeconds(5)));
            List<byte[]> got = rx.datagrams();
            for (int i = 0; i < names.size(); i++) {
                assertArrayEquals(vectors.get(names.get(i)).bytes(), got.get(i), names.get(i));
            }
            assertEquals(10, r.counters().sent());
            assertEquals(0, r.counters().sendErrors());
            assertEquals(1, r.counters().reports(Primitive.KEY_WRITE));
            assertEquals(2, r.counters().reports(Primitive.KEY_INCREMENT));
            assertEquals(3, r.counters().reports(Primitive.POSTCARD));
            assertEquals(2, r.counters().reports(Primitive.APPEND));
            assertEquals(2, r.counters().reports(Primitive.SKETCH_MERGE));
            assertEquals(1, r.counters().batches());
        }
    }

    @Test
    void aFullBatchIsSentWithoutFlushAndCloseSendsTheRest() throws Exception {
        try (ReportReceiver rx = ReportReceiver.keeping()) {
            DtaReporter r = DtaReporter.open(rx.target().withBatchSize(4));
            for (int i = 0; i < 6; i++) {
                r.append(4, 0, i);
            }
            assertEquals(2, r.pending());
            assertEquals(4, rx.await(4, Duration.ofSeconds(5)));
            r.close();
            r.close();
            assertEquals(6, rx.await(6, Duration.ofSeconds(5)));
            assertEquals(2, r.counters().batches());
            assertThrows(IllegalStateException.class, () -> r.append(4, 0, 1));
        }
    }

    @Test
    void largerKeyWriteValuesAndExplicitRedundancy() throws Exception {
        byte[] value12 = HexFormat.of().parseHex("000102030405060708090a0b");
        try (ReportReceiver rx = ReportReceiver.keeping(); DtaReporter r = DtaReporter.open(rx.target())) {
            r.keyWrite(9, KEY, value12, 3);
            r.flush();
            rx.await(1, Duration.ofSeconds(5));
            byte[] got = rx.datagrams().get(0);
            assertEquals(24 + 12, got.length);
            assertEquals(3, got[4]);
            assertEquals(12, got[5]);
            assertEquals("000102030405060708090a0b", HexFormat.of().formatHex(got, 24, 36));
        }
    }

    @Test
    void badArgumentsNameTheFieldAndQueueNothing() throws Exception {
        try (DtaReporter r = DtaReporter.open(ReporterOptions.parse("127.0.0.1:9"))) {
            assertMessage("store:", () -> r.keyWrite(0, KEY, 1));
            assertMessage("store:", () -> r.append(70000, 0, 1));
            assertMessage("key:", () -> r.keyWrite(1, new byte[4], 1));
            assertMessage("value:", () -> r.keyWrite(1, KEY, new byte[5]));
            assertMessage("redundancy:", () -> r.keyIncrement(2, KEY, 1, 9));
            assertMessage("flow key:", () -> r.postcard(3, null, 0, 5, 1));
            assertMessage("hop:", () -> r.postcard(3, KEY, 5, 5, 1));
            assertMessage("path length:", () -> r.postcard(3, KEY, 0, 9, 1));
            assertMessage("list:", () -> r.append(4, 1 << 24, 1));
            assertMessage("row:", () -> r.sketchMerge(5, 8, 0, new int[] {1}));
            assertMessage("deltas:", () -> r.sketchMerge(5, 0, 0, new int[17]));
            assertMessage("deltas:", () -> r.sketchMerge(5, 0, 0, new int[0]));
            assertMessage("column:", () -> r.sketchMerge(5, 0, 14, new int[3]));
            assertEquals(0, r.pending());
        }
    }

    @Test
    void targetsParseWithAClearMessage() {
        assertEquals("10.0.0.1:40040", ReporterOptions.parse("10.0.0.1").target());
        assertEquals("127.0.0.1:5000", ReporterOptions.parse("localhost:5000").target());
        assertMessage("translator address", () -> ReporterOptions.parse("10.0.0.1:x"));
        assertMessage("translator address", () -> ReporterOptions.parse("10.0.0.1:70000"));
        assertMessage("batch:", () -> ReporterOptions.to(1).withBatchSize(0));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start) || e.getMessage().contains(start), e.getMessage());
    }
}
