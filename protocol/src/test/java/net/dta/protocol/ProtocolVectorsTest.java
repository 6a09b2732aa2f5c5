package net.dta.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreFileHeader;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;
import net.dta.protocol.report.ReportEncoder;
import net.dta.protocol.report.StoreChecks;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.CounterStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.testkit.ProtocolVectors;
import net.dta.testkit.ProtocolVectors.Vector;

/** Every vector of docs/protocol.md section 10 that the protocol module implements. */
class ProtocolVectorsTest {
    static final byte[] KEY = HexFormat.of().parseHex("0a0000010a0000021f90005006000000");
    static final long VA = 0x00007F0000000000L;
    static final int RKEY = 0x1234;

    final ProtocolVectors vectors = ProtocolVectors.load();
    final DtaHash hash = new DtaHash();

    @Test
    void hashesMatchTheDocumentedValues() {
        Vector v = vectors.get("hash");
        assertEquals(HexFormat.of().formatHex(KEY), v.value("key"));
        assertEquals("cbf43926", v.value("crc32(\"123456789\")"));
        assertEquals(v.value("keyhash"), String.format("%08x", hash.keyHash(KEY)));
        assertEquals(v.value("H(1)"), String.format("%08x", hash.h(1, KEY)));
        for (int x : new int[] {0, 1, 0x8000_0000, 0xFFFF_FFFF}) {
            assertEquals(v.value(String.format("mix(%08x)", x)), String.format("%08x", DtaHash.mix(x)), "mix");
        }
        for (int j = 0; j <= DtaHash.BUCKET_SALT_INDEX; j++) {
            assertEquals(v.value("salt(" + j + ")"), String.format("%08x", DtaHash.salt(j)), "salt(" + j + ")");
            assertEquals(v.value("mixed(" + j + ")"), String.format("%08x", DtaHash.mix(hash.keyHash(KEY) ^ DtaHash.salt(j))),
                    "mixed(" + j + ")");
        }
        assertEquals(v.value("bucket"), String.format("%02x", hash.bucket(KEY)));
        for (int i = 0; i < 8; i++) {
            assertEquals(v.value("index(i=" + i + ",log2=20)"), String.format("%05x", hash.index(KEY, i, 20)));
        }
        byte[] value = {0, 0, 0, 7};
        assertEquals(v.value("tag(value=00000007)"), String.format("%08x", hash.keyWriteTag(KEY, value, 0, 4)));
    }

    @Test
    void reportsEncodeToTheDocumentedBytes() {
        assertReport("kw.report", s -> ReportEncoder.keyWrite(s, 0, 1, 2, KEY, new byte[] {0, 0, 0, 7}));
        assertReport("ki.report.0", s -> ReportEncoder.keyIncrement(s, 0, 2, 0, KEY, 1500));
        assertReport("ki.report.1", s -> ReportEncoder.keyIncrement(s, 0, 2, 0, KEY, 500));
        int[] hopValues = {0x01000010, 0x02000020, 0x03000030};
        for (int h = 0; h < 3; h++) {
            int hop = h;
            assertReport("pc.report." + h, s -> ReportEncoder.postcard(s, 0, 3, hop, 3, KEY, hopValues[hop]));
        }
        assertReport("ap.report.0", s -> ReportEncoder.append(s, 0, 4, 1, 0xDEAD0001));
        assertReport("ap.report.1", s -> ReportEncoder.append(s, 0, 4, 1, 0xDEAD0002));
        for (int r = 0; r < 2; r++) {
            int row = r;
            long column = hash.index(KEY, r, 10);
            assertReport("sk.report." + r, s -> ReportEncoder.sketchMerge(s, 0, 5, row, column, new int[] {42}, 1));
        }
    }

    interface Encoder {
        int encode(MemorySegment s);
    }

    private void assertReport(String name, Encoder encoder) {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        int length = encoder.encode(s);
        byte[] expected = vectors.get(name).bytes();
        assertArrayEquals(expected, s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), name);
        Report report = new Report().wrap(MemorySegment.ofArray(expected), 0, expected.length);
        assertEquals(DropReason.NONE, report.checkHeader(), name);
        // The vectors' stores (the catalog vector's), by store id = opcode.
        StoreLayout[] stores = {null, new KeyWriteLayout(10, 8, 2), new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10),
            new PostcardLayout(8, 5), new AppendLayout(4, 4), new CounterLayout(StoreKind.SKETCH, 2, 10)};
        assertEquals(report.opcode(), report.storeId(), name);
        assertEquals(DropReason.NONE, StoreChecks.check(report, stores[report.storeId()]), name);
        assertEquals(expected.length, report.reportLength(), name);
    }

    @Test
    void keyWriteSlotsAndQueryMatchTheVector() {
        KeyWriteLayout layout = new KeyWriteLayout(10, 8, 2);
        Map<Long, byte[]> expected = vectors.get("kw.memory").memory();
        MemorySegment data = Arena.ofAuto().allocate(layout.dataLength(), 8);
        for (int i = 0; i < 2; i++) {
            KeyWriteStore.encodeSlot(hash, KEY, new byte[] {0, 0, 0, 7}, 0, 4, data, KeyWriteStore.slotOffset(hash, layout, KEY, i));
        }
        assertMemory(expected, data);
        KeyWriteStore.Result r = new KeyWriteStore(data, layout).get(KEY, 2);
        assertEquals(vectors.get("kw.query").value("value"), HexFormat.of().formatHex(r.value()));
        assertEquals(vectors.get("kw.query").value("agree"), r.agree() + "/" + r.redundancy());
    }

    @Test
    void keyIncrementAndSketchCountersMatchTheVectors() {
        CounterLayout ki = new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10);
        MemorySegment data = Arena.ofAuto().allocate(ki.dataLength(), 8);
        for (long delta : new long[] {1500, 500}) {
            for (int r = 0; r < 2; r++) {
                long off = CounterStore.counterOffset(hash, ki, KEY, r);
                data.set(Bytes.U64, off, data.get(Bytes.U64, off) + delta);
            }
        }
        assertMemory(vectors.get("ki.memory").memory(), data);
        assertEquals(vectors.get("ki.query").value("estimate"), Long.toString(new CounterStore(data, ki, false).estimate(KEY)));

        CounterLayout sk = new CounterLayout(StoreKind.SKETCH, 2, 10);
        MemorySegment sketch = Arena.ofAuto().allocate(sk.dataLength(), 8);
        for (int r = 0; r < 2; r++) {
            sketch.set(Bytes.U64, sk.counterOffset(r, hash.index(KEY, r, 10)), 42);
        }
        assertMemory(vectors.get("sk.memory").memory(), sketch);
        assertEquals(vectors.get("sk.query").value("estimate"), Long.toString(new CounterStore(sketch, sk, false).estimate(KEY)));
    }

    @Test
    void postcardRowAndPathMatchTheVector() {
        PostcardLayout layout = new PostcardLayout(8, 5);
        assertEquals(64, layout.rowBytes());
        MemorySegment data = Arena.ofAuto().allocate(layout.dataLength(), 8);
        int[] values = {0x01000010, 0x02000020, 0x03000030, 0, 0};
        PostcardStore.encodeRow(hash, layout, KEY, 0b111, values, data, PostcardStore.rowOffset(hash, layout, KEY));
        assertMemory(vectors.get("pc.memory").memory(), data);
        List<PostcardStore.Hop> path = new PostcardStore(data, layout).path(KEY);
        List<String> lines = vectors.get("pc.query").lines();
        for (PostcardStore.Hop hop : path) {
            assertEquals(lines.get(hop.hop()), String.format("hop=%d value=%08x valid=%s", hop.hop(), hop.value(), hop.valid()));
        }
    }

    @Test
    void appendBatchAndReadMatchTheVector() {
        AppendLayout layout = new AppendLayout(4, 4);
        MemorySegment data = Arena.ofAuto().allocate(layout.dataLength(), 8);
        AppendStore.encodeEntry(0, 0xDEAD0001, data, layout.entryOffset(1, 0));
        AppendStore.encodeEntry(1, 0xDEAD0002, data, layout.entryOffset(1, 1));
        assertMemory(vectors.get("ap.memory").memory(), data);
        AppendStore.Batch b = new AppendStore(data, layout).read(1, 0, 10);
        List<String> lines = vectors.get("ap.query").lines();
        for (int i = 0; i < b.entries().size(); i++) {
            assertEquals(lines.get(i), String.format("entry pos=%d value=%08x", b.entries().get(i).position(), b.entries().get(i).value()));
        }
        assertEquals(lines.get(lines.size() - 1), "next=" + b.next() + " overrun=" + b.overrun());
    }

    @Test
    void catalogAndStoreHeaderEncodeToTheVectors() {
        List<CatalogEntry> entries = List.of(
                new CatalogEntry(new StoreDefinition(1, "queue-depth", new KeyWriteLayout(10, 8, 2), false), VA, 8192, new int[] {RKEY}),
                new CatalogEntry(new StoreDefinition(2, "flow-bytes", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10), false), VA, 16384, new int[] {RKEY}),
                new CatalogEntry(new StoreDefinition(3, "paths", new PostcardLayout(8, 5), false), VA, 16384, new int[] {RKEY}),
                new CatalogEntry(new StoreDefinition(4, "drops", new AppendLayout(4, 4), false), VA, 512, new int[] {RKEY}),
                new CatalogEntry(new StoreDefinition(5, "heavy-hitters", new CounterLayout(StoreKind.SKETCH, 2, 10), false), VA, 16384, new int[] {RKEY}));
        Catalog catalog = new Catalog(5, entries);
        byte[] expected = vectors.get("catalog").bytes();
        assertArrayEquals(expected, catalog.encode());
        assertEquals(catalog, Catalog.decode(expected));

        MemorySegment page = Arena.ofAuto().allocate(StoreFileHeader.PAGE_BYTES, 8);
        StoreFileHeader.write(page, entries.get(0).definition(), 1767225600000L);
        StoreFileHeader.markValid(page);
        byte[] header = vectors.get("store-header").bytes();
        assertArrayEquals(header, page.asSlice(0, header.length).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(entries.get(0).definition(), StoreFileHeader.read(page).definition());
    }

    private static void assertMemory(Map<Long, byte[]> expected, MemorySegment data) {
        Map<Long, byte[]> actual = new TreeMap<>();
        byte[] all = data.toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < all.length; i++) {
            if (all[i] != 0) {
                int start = i;
                while (i < all.length && all[i] != 0) {
                    i++;
                }
                actual.put((long) start, java.util.Arrays.copyOfRange(all, start, i));
            }
        }
        // Expected runs may contain zero bytes; compare byte-wise over the expected runs and require nothing else.
        long covered = 0;
        for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), data.asSlice(e.getKey(), e.getValue().length).toArray(ValueLayout.JAVA_BYTE),
                    "memory at @" + Long.toHexString(e.getKey()));
            covered += e.getValue().length;
        }
        long nonZeroOutside = 0;
        for (Map.Entry<Long, byte[]> a : actual.entrySet()) {
            boolean inside = expected.entrySet().stream().anyMatch(e -> a.getKey() >= e.getKey()
                    && a.getKey() + a.getValue().length <= e.getKey() + e.getValue().length);
            if (!inside) {
                nonZeroOutside++;
            }
        }
        assertTrue(covered > 0);
        assertEquals(0, nonZeroOutside, "bytes written outside the vector's memory: " + actual.keySet());
    }
}
