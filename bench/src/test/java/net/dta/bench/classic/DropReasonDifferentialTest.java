package net.dta.bench.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import net.dta.collector.store.StoreSet;
import net.dta.protocol.Bytes;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.ReportEncoder;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.testing.EngineHarness;

/**
 * protocol.md 2.5 as both receivers apply it: every case of the section (one report per drop
 * reason 1 to 10, in the order's corner cases, and the accepted vector reports) and a corpus of
 * malformed reports (the cases with bytes flipped and cut) go to the software translator's engine
 * and to the classic baseline over UDP, both holding the five stores of protocol.md section 10.
 * Each report must be dropped for the same reason, or accepted, by both (issue 14 item 1: they
 * disagreed on a Key-Write with value length 5 to an unknown store).
 */
class DropReasonDifferentialTest {
    private static final byte[] KEY = ClassicCollectorTest.KEY;
    private static final int CORPUS = 600;

    @TempDir
    static Path dir;
    private static EngineHarness translator;
    private static StoreSet stores;
    private static ClassicCollector classic;
    private static DatagramSocket socket;

    @BeforeAll
    static void start() throws Exception {
        translator = EngineHarness.withVectorState(0x100, 1024);
        stores = StoreSet.open(dir, ClassicCollectorTest.STORES, "test");
        classic = ClassicCollector.start(ClassicCollectorTest.LOCALHOST, 0, new StoreFileSink(stores.files()),
                ClassicCollectorTest.OPTIONS);
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() throws Exception {
        socket.close();
        classic.close();
        stores.close();
        translator.close();
    }

    /** The cases of 2.5, each with the reason the section gives (NONE: accepted). */
    static Map<String, Case> cases() {
        Map<String, Case> m = new LinkedHashMap<>();
        DtaHash hash = new DtaHash();
        add(m, "key-write", DropReason.NONE, s -> ReportEncoder.keyWrite(s, 0, 1, 2, KEY, new byte[] {0, 0, 0, 7}));
        add(m, "key-increment", DropReason.NONE, s -> ReportEncoder.keyIncrement(s, 0, 2, 0, KEY, 1500));
        add(m, "postcard", DropReason.NONE, s -> ReportEncoder.postcard(s, 0, 3, 1, 3, KEY, 0x02000020));
        add(m, "append", DropReason.NONE, s -> ReportEncoder.append(s, 0, 4, 1, 0xDEAD0001));
        add(m, "sketch-merge", DropReason.NONE,
                s -> ReportEncoder.sketchMerge(s, 0, 5, 1, hash.index(KEY, 1, 10), new int[] {42}, 1));
        m.put("3 bytes", new Case(DropReason.TRUNCATED, new byte[] {1, 1, 0}));
        m.put("3 bytes, bad version", new Case(DropReason.TRUNCATED, new byte[] {9, 1, 0}));
        m.put("bad version", new Case(DropReason.BAD_VERSION, new byte[] {2, 1, 0, 1}));
        m.put("bad version and opcode", new Case(DropReason.BAD_VERSION, new byte[] {2, 9, 0, 1}));
        m.put("opcode 9", new Case(DropReason.UNKNOWN_OPCODE, new byte[] {1, 9, 0, 1}));
        m.put("opcode 0", new Case(DropReason.UNKNOWN_OPCODE, new byte[] {1, 0, 0, 1}));
        m.put("key-increment, 4 bytes", new Case(DropReason.TRUNCATED, new byte[] {1, 2, 0, 2}));
        m.put("key-write without value length", new Case(DropReason.TRUNCATED, new byte[] {1, 1, 0, 1, 1}));
        m.put("key-write, value length 200 in 29 bytes", new Case(DropReason.TRUNCATED, keyWrite(1, 200, 29)));
        m.put("sketch-merge, count 16 in 12 bytes", new Case(DropReason.TRUNCATED, cut(sketch(5, 0, 16), 12)));
        add(m, "unknown store", DropReason.UNKNOWN_STORE, s -> ReportEncoder.keyWrite(s, 0, 9, 1, KEY, new byte[4]));
        m.put("value length 5, unknown store", new Case(DropReason.UNKNOWN_STORE, keyWrite(9, 5, 29)));
        add(m, "kind mismatch", DropReason.KIND_MISMATCH, s -> ReportEncoder.keyIncrement(s, 0, 1, 0, KEY, 1));
        m.put("value length 5", new Case(DropReason.BAD_VALUE_LENGTH, keyWrite(1, 5, 29)));
        add(m, "value length of another store", DropReason.BAD_VALUE_LENGTH,
                s -> ReportEncoder.keyWrite(s, 0, 1, 1, KEY, new byte[12]));
        add(m, "key-write redundancy 9", DropReason.REDUNDANCY_OUT_OF_RANGE,
                s -> ReportEncoder.keyWrite(s, 0, 1, 9, KEY, new byte[4]));
        add(m, "3 rows of a 2-row store", DropReason.REDUNDANCY_OUT_OF_RANGE,
                s -> ReportEncoder.keyIncrement(s, 0, 2, 3, KEY, 1));
        add(m, "6 hops in a 5-hop store", DropReason.HOP_OUT_OF_RANGE, s -> ReportEncoder.postcard(s, 0, 3, 5, 6, KEY, 1));
        add(m, "hop 3 of 3", DropReason.HOP_OUT_OF_RANGE, s -> ReportEncoder.postcard(s, 0, 3, 3, 3, KEY, 1));
        add(m, "hop 5 of the store's 5", DropReason.HOP_OUT_OF_RANGE, s -> ReportEncoder.postcard(s, 0, 3, 5, 0, KEY, 1));
        add(m, "list 4 of 4", DropReason.LIST_OUT_OF_RANGE, s -> ReportEncoder.append(s, 0, 4, 4, 1));
        add(m, "row 2 of 2", DropReason.SKETCH_OUT_OF_RANGE, s -> ReportEncoder.sketchMerge(s, 0, 5, 2, 0, new int[] {1}, 1));
        m.put("count 0", new Case(DropReason.SKETCH_OUT_OF_RANGE, sketch(5, 0, 0)));
        add(m, "past the last column", DropReason.SKETCH_OUT_OF_RANGE,
                s -> ReportEncoder.sketchMerge(s, 0, 5, 0, 1023, new int[] {1, 1}, 2));
        add(m, "across a 16-column block", DropReason.SKETCH_OUT_OF_RANGE,
                s -> ReportEncoder.sketchMerge(s, 0, 5, 0, 15, new int[] {1, 1}, 2));
        return m;
    }

    static Stream<Arguments> section25() {
        return cases().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("section25")
    void bothReceiversGiveTheSectionsVerdict(String name, Case c) throws Exception {
        assertEquals(c.expected(), translatorVerdict(c.bytes()), "translator: " + name);
        assertEquals(c.expected(), classicVerdict(c.bytes()), "classic baseline: " + name);
    }

    @Test
    void malformedReportsAreDroppedForTheSameReasonByBoth() throws Exception {
        List<byte[]> seeds = new ArrayList<>(cases().values().stream().map(Case::bytes).toList());
        SplittableRandom random = new SplittableRandom(14);
        int[] verdicts = new int[DropReason.COUNTER_SLOTS];
        for (int i = 0; i < CORPUS; i++) {
            byte[] d = seeds.get(random.nextInt(seeds.size())).clone();
            for (int f = 1 + random.nextInt(3); f > 0 && d.length > 0; f--) {
                d[random.nextInt(Math.min(d.length, 16))] = (byte) random.nextInt(256);
            }
            if (random.nextInt(5) == 0) {
                d = cut(d, random.nextInt(d.length + 1));
            }
            DropReason t = translatorVerdict(d);
            assertEquals(t, classicVerdict(d), "classic vs translator for " + HexFormat.of().formatHex(d));
            verdicts[t.code()]++;
        }
        for (int code = 0; code <= DropReason.SKETCH_OUT_OF_RANGE.code(); code++) {
            assertTrue(verdicts[code] > 0, "the corpus reached " + DropReason.ofCode(code).label());
        }
    }

    /** The drop counter the report moved in the translator (any of 1 to 14), or NONE. */
    private static DropReason translatorVerdict(byte[] report) {
        Counters counters = translator.pipeline.counters();
        long[] before = new long[DropReason.COUNTER_SLOTS];
        for (DropReason r : DropReason.values()) {
            before[r.code()] = counters.drops(r);
        }
        translator.report(report);
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE && counters.drops(r) != before[r.code()]) {
                return r;
            }
        }
        return DropReason.NONE;
    }

    /** The drop counter the report moved in the classic baseline, or NONE when it applied it. */
    private static DropReason classicVerdict(byte[] report) throws Exception {
        long[] before = new long[DropReason.COUNTER_SLOTS];
        for (DropReason r : DropReason.values()) {
            before[r.code()] = classic.dropped(r);
        }
        long received = classic.received();
        socket.send(new DatagramPacket(report, report.length, InetAddress.getLoopbackAddress(), classic.port()));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (classic.received() == received && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(received + 1, classic.received(), "the classic collector received the datagram");
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE && classic.dropped(r) != before[r.code()]) {
                return r;
            }
        }
        return DropReason.NONE;
    }

    record Case(DropReason expected, byte[] bytes) {
        @Override
        public String toString() {
            return expected.label();
        }
    }

    private static void add(Map<String, Case> m, String name, DropReason expected, ToIntFunction<MemorySegment> encoder) {
        MemorySegment s = MemorySegment.ofArray(new byte[128]);
        int length = encoder.applyAsInt(s);
        m.put(name, new Case(expected, s.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    /** A Key-Write to {@code store} with the given value length field, {@code length} bytes long. */
    private static byte[] keyWrite(int store, int valueLength, int length) {
        byte[] b = new byte[length];
        MemorySegment s = MemorySegment.ofArray(b);
        Bytes.u8(s, 0, 1);
        Bytes.u8(s, 1, 1);
        Bytes.u16(s, 2, store);
        Bytes.u8(s, 4, 1);
        Bytes.u8(s, 5, valueLength);
        return b;
    }

    /** A Sketch-Merge to {@code store} at row 0, column {@code column}, with the given count field and its full length. */
    private static byte[] sketch(int store, long column, int count) {
        byte[] b = new byte[12 + 4 * count];
        MemorySegment s = MemorySegment.ofArray(b);
        Bytes.u8(s, 0, 1);
        Bytes.u8(s, 1, 5);
        Bytes.u16(s, 2, store);
        Bytes.u8(s, 5, count);
        Bytes.u32(s, 8, column);
        return b;
    }

    private static byte[] cut(byte[] b, int length) {
        return java.util.Arrays.copyOf(b, length);
    }
}
