package net.dta.translator;

import static net.dta.protocol.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.report.ReportEncoder;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.translator.config.Mode;
import net.dta.translator.testing.LoopbackDeployment;

/**
 * Reporter -> translator -> software collectors -> store read-back, over real loopback sockets,
 * for every primitive: reports sent with ReportEncoder over UDP, the translator programmed and its
 * queue pairs connected through P4Runtime (CM and the catalog READ as PacketOut/PacketIn), two
 * collectors sharing the buckets, and every answer read back through the collectors' store readers.
 */
class EndToEndTest {
    static final String STORES = """
            stores:
              - {name: kw, id: 1, kind: key-write, slots: 65536, redundancy: 2}
              - {name: ki, id: 2, kind: key-increment, rows: 2, columns: 1024}
              - {name: pc, id: 3, kind: postcard, rows: 4096, hops: 5}
              - {name: ap, id: 4, kind: append, lists: 4, entries-per-list: 16}
              - {name: sk, id: 5, kind: sketch, rows: 2, columns: 1024}
            """;

    @TempDir
    Path dir;

    /** A random-looking 5-tuple key per i (real flow keys behave like random keys; counters would collide, protocol.md 3). */
    static byte[] key(int i) {
        byte[] k = new byte[16];
        new java.util.Random(0xD7A0L + i).nextBytes(k);
        k[13] = 0;
        k[14] = 0;
        k[15] = 0;
        return k;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyPrimitiveLandsInTheRightCollectorsStore(Mode mode) throws Exception {
        DtaHash hash = new DtaHash();
        try (LoopbackDeployment d = LoopbackDeployment.start(mode, 2, STORES, dir, 4); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(128);
            // Key-Write: 20 keys, redundancy 0 (the store's 2).
            for (int i = 0; i < 20; i++) {
                d.send(buf, ReportEncoder.keyWrite(buf, 0, 1, 0, key(i), new byte[] {0, 0, (byte) i, 7}));
            }
            // Key-Increment: 10 keys, 3 increments each.
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 10; i++) {
                    d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 0, key(100 + i), 1000 + i));
                }
            }
            // Postcards: 5 flows, 3 hops each.
            for (int f = 0; f < 5; f++) {
                for (int h = 0; h < 3; h++) {
                    d.send(buf, ReportEncoder.postcard(buf, 0, 3, h, 3, key(200 + f), (h + 1) << 24 | f));
                }
            }
            // Append: 10 entries to list 1 (batch 4: two batches, then the idle flush of two).
            for (int i = 0; i < 10; i++) {
                d.send(buf, ReportEncoder.append(buf, 0, 4, 1, 0xE000 + i));
            }
            // Sketch-Merge: row 0 and row 1, 4 counters each from column 0x1b4.
            d.send(buf, ReportEncoder.sketchMerge(buf, 0, 5, 0, 0x1b4, new int[] {1, 2, 3, 4}, 4));
            d.send(buf, ReportEncoder.sketchMerge(buf, 0, 5, 1, 0x1b4, new int[] {5, 6, 7, 8}, 4));

            for (int i = 0; i < 20; i++) {
                byte[] k = key(i);
                int c = hash.bucket(k) % 2;
                int value = i;
                LoopbackDeployment.await("key-write key " + i + " in both slots", () -> d.collector(c).stores().keyWrite("kw").get(k).agree() == 2);
                KeyWriteStore.Result r = d.collector(c).stores().keyWrite("kw").get(k);
                assertArrayEquals(new byte[] {0, 0, (byte) value, 7}, r.value());
                assertEquals(2, r.agree());
            }
            for (int i = 0; i < 10; i++) {
                byte[] k = key(100 + i);
                int c = hash.bucket(k) % 2;
                long expected = 3L * (1000 + i);
                LoopbackDeployment.await("key-increment key " + i,
                        () -> d.collector(c).stores().counters("ki").estimate(k) >= expected);
                assertEquals(expected, d.collector(c).stores().counters("ki").estimate(k));
            }
            for (int f = 0; f < 5; f++) {
                byte[] k = key(200 + f);
                int c = hash.bucket(k) % 2;
                int flow = f;
                LoopbackDeployment.await("path of flow " + f, () -> d.collector(c).stores().postcards("pc").path(k).get(2).valid());
                List<PostcardStore.Hop> path = d.collector(c).stores().postcards("pc").path(k);
                for (int h = 0; h < 3; h++) {
                    assertTrue(path.get(h).valid(), "hop " + h);
                    assertEquals(((h + 1L) << 24) | flow, path.get(h).value());
                }
                assertTrue(!path.get(3).valid() && !path.get(4).valid());
            }
            // List 1 -> bucket 1 -> collector 1.
            LoopbackDeployment.await("10 Append entries", () -> d.collector(1).stores().append("ap").read(1, 0, 100).entries().size() == 10);
            AppendStore.Batch entries = d.collector(1).stores().append("ap").read(1, 0, 100);
            for (int i = 0; i < 10; i++) {
                assertEquals(i, entries.entries().get(i).position());
                assertEquals(0xE000 + i, entries.entries().get(i).value());
            }
            assertEquals(0, entries.overrun());
            // Column 0x1b4 -> bucket 0x1b -> collector 1.
            LoopbackDeployment.await("sketch counters", () -> d.collector(1).stores().counters("sk").counter(1, 0x1b7) == 8);
            for (int j = 0; j < 4; j++) {
                assertEquals(1 + j, d.collector(1).stores().counters("sk").counter(0, 0x1b4 + j));
                assertEquals(5 + j, d.collector(1).stores().counters("sk").counter(1, 0x1b4 + j));
            }

            assertEquals(20, d.controller.readCounter(CTR_REPORTS, 1).getPacketCount());
            assertEquals(30, d.controller.readCounter(CTR_REPORTS, 2).getPacketCount());
            assertEquals(15, d.controller.readCounter(CTR_REPORTS, 3).getPacketCount());
            assertEquals(10, d.controller.readCounter(CTR_REPORTS, 4).getPacketCount());
            assertEquals(2, d.controller.readCounter(CTR_REPORTS, 5).getPacketCount());
            long drops = 0;
            for (int reason = 0; reason < 16; reason++) {
                drops += d.controller.readCounter(CTR_DROPS, reason).getPacketCount();
            }
            assertEquals(0, drops);
            assertEquals(0, d.collector(0).backend().counters().drops().values().stream().mapToLong(Long::longValue).sum()
                    + d.collector(1).backend().counters().drops().values().stream().mapToLong(Long::longValue).sum(),
                    "collector-side drops");
        }
    }
}
