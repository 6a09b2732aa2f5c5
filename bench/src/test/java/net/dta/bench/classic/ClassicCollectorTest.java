package net.dta.bench.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.store.StoreSet;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import net.dta.testkit.ProtocolVectors;

/** The classic collector over real UDP: reports in, the documented store bytes (or map entries) out. */
class ClassicCollectorTest {
    static final byte[] KEY = HexFormat.of().parseHex("0a0000010a0000021f90005006000000");
    /** The five stores of protocol.md section 10. */
    static final List<StoreDefinition> STORES = List.of(
            new StoreDefinition(1, "queue-depth", new KeyWriteLayout(10, 8, 2), false),
            new StoreDefinition(2, "flow-bytes", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10), false),
            new StoreDefinition(3, "paths", new PostcardLayout(8, 5), false),
            new StoreDefinition(4, "drops", new AppendLayout(4, 4), false),
            new StoreDefinition(5, "heavy-hitters", new CounterLayout(StoreKind.SKETCH, 2, 10), false));
    static final ChannelOptions OPTIONS = new ChannelOptions(8 << 20, 4096, 20);
    static final int LOCALHOST = Ipv4.parse("127.0.0.1");

    @TempDir
    Path dir;

    /** The reports of the section 10 vectors, plus one report per drop reason a classic collector checks. */
    static void sendVectorReports(DtaReporter r) {
        DtaHash hash = new DtaHash();
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
        r.keyWrite(9, KEY, 1);                          // unknown store
        r.keyIncrement(1, KEY, 1);                      // kind mismatch
        r.keyWrite(1, KEY, new byte[12]);               // value length of another store
        r.keyIncrement(2, KEY, 1, 3);                   // 3 rows of a 2-row store
        r.postcard(3, KEY, 5, 6, 1);                    // 6 hops in a 5-hop store
        r.append(4, 4, 1);                              // list 4 of 4
        r.sketchMerge(5, 2, 0, new int[] {1});          // row 2 of 2
        r.flush();
    }

    static void awaitApplied(ClassicCollector c, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (c.received() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, c.received());
    }

    @Test
    void storeFilesHoldTheBytesTheTranslatorWouldHaveWritten() throws Exception {
        ProtocolVectors vectors = ProtocolVectors.load();
        try (StoreSet set = StoreSet.open(dir, STORES, "test")) {
            ClassicCollector c = ClassicCollector.start(LOCALHOST, 0, new StoreFileSink(set.files()), OPTIONS);
            try (DtaReporter r = DtaReporter.open(ReporterOptions.to(LOCALHOST).withPort(c.port()))) {
                sendVectorReports(r);
            }
            awaitApplied(c, 17);
            assertEquals(1, c.applied(Primitive.KEY_WRITE));
            assertEquals(2, c.applied(Primitive.KEY_INCREMENT));
            assertEquals(3, c.applied(Primitive.POSTCARD));
            assertEquals(2, c.applied(Primitive.APPEND));
            assertEquals(2, c.applied(Primitive.SKETCH_MERGE));
            for (DropReason why : List.of(DropReason.UNKNOWN_STORE, DropReason.KIND_MISMATCH, DropReason.BAD_VALUE_LENGTH,
                    DropReason.REDUNDANCY_OUT_OF_RANGE, DropReason.HOP_OUT_OF_RANGE, DropReason.LIST_OUT_OF_RANGE,
                    DropReason.SKETCH_OUT_OF_RANGE)) {
                assertEquals(1, c.dropped(why), why.label());
            }
            assertEquals(1, c.postcardRows(), "the third hop completed the path: one row");
            c.close();
            for (String prefix : List.of("kw", "ki", "pc", "ap", "sk")) {
                StoreDefinition def = STORES.get(List.of("kw", "ki", "pc", "ap", "sk").indexOf(prefix));
                MemorySegment data = set.file(def.name()).data();
                Map<Long, byte[]> expected = vectors.get(prefix + ".memory").memory();
                long nonZero = 0;
                for (long o = 0; o < data.byteSize(); o++) {
                    if (data.get(ValueLayout.JAVA_BYTE, o) != 0) {
                        nonZero++;
                    }
                }
                long expectedNonZero = 0;
                for (Map.Entry<Long, byte[]> run : expected.entrySet()) {
                    assertArrayEquals(run.getValue(), data.asSlice(run.getKey(), run.getValue().length).toArray(ValueLayout.JAVA_BYTE),
                            prefix + " @" + Long.toHexString(run.getKey()));
                    for (byte b : run.getValue()) {
                        expectedNonZero += b != 0 ? 1 : 0;
                    }
                }
                assertEquals(expectedNonZero, nonZero, prefix + ": nothing else was written");
            }
            KeyWriteStore.Result kw = new KeyWriteStore(set.file("queue-depth").data(), (KeyWriteLayout) STORES.get(0).layout()).get(KEY);
            assertEquals(2, kw.agree());
        }
    }

    @Test
    void appendTailsContinueAcrossARestart() throws Exception {
        List<StoreDefinition> stores = List.of(STORES.get(3));
        for (int run = 0; run < 2; run++) {
            try (StoreSet set = StoreSet.open(dir, stores, "test")) {
                ClassicCollector c = ClassicCollector.start(LOCALHOST, 0, new StoreFileSink(set.files()), OPTIONS);
                try (DtaReporter r = DtaReporter.open(ReporterOptions.to(LOCALHOST).withPort(c.port()))) {
                    for (int i = 0; i < 10; i++) {
                        r.append(4, 2, run * 100 + i);
                    }
                }
                awaitApplied(c, 10);
                c.close();
                AppendStore.Batch b = new AppendStore(set.file("drops").data(), (AppendLayout) stores.get(0).layout()).read(2, 0, 100);
                assertEquals(10L * (run + 1), b.next());
                assertEquals(run == 0 ? 0 : 4, b.overrun(), "a 16-entry ring keeps the last 16 of 20");
                assertEquals(run * 100 + 9, b.entries().getLast().value());
            }
        }
    }

    @Test
    void chronicleMapsHoldEveryPrimitive() throws Exception {
        ChronicleSink sink = new ChronicleSink(STORES, dir.resolve("maps"), 1024);
        ClassicCollector c = ClassicCollector.start(LOCALHOST, 0, sink, OPTIONS);
        try {
            try (DtaReporter r = DtaReporter.open(ReporterOptions.to(LOCALHOST).withPort(c.port()))) {
                sendVectorReports(r);
            }
            awaitApplied(c, 17);
            assertEquals(10, c.applied());
            assertArrayEquals(new byte[] {0, 0, 0, 7}, sink.get(1, KEY));
            assertEquals(2000, sink.counter(2, KEY));
            byte[] row = sink.get(3, KEY);
            assertEquals("01000010799ec39f020000207092756d03000030923978bd",
                    HexFormat.of().formatHex(row, 0, 24), "the row in the DTA encoding (protocol.md 10.4)");
            assertEquals(2, sink.size(4), "two Append entries");
            DtaHash hash = new DtaHash();
            assertEquals(42, sink.sketchCounter(5, 0, hash.index(KEY, 0, 10)));
            assertEquals(42, sink.sketchCounter(5, 1, hash.index(KEY, 1, 10)));
            assertTrue(sink.describe().contains("Chronicle"));
        } finally {
            c.close();
        }
    }
}
