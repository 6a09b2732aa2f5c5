package net.dta.ns3;

import static net.dta.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.translator.dataplane.RequesterSettings;
import net.dta.translator.testing.EngineHarness;
import net.dta.translator.testing.TestController;
import p4.v1.P4RuntimeOuterClass.Update;

/**
 * One report trace through the Java software translator (its engine, programmed through its
 * P4Runtime server) and through the ns-3 model's translator (programs/dta-trace): the emitted
 * requests must be the same frames, in the same order, to the same collectors, and the stores they
 * leave behind must be byte-identical. The trace mixes all five primitives, a postcard cache small
 * enough to evict, Append rings that wrap, idle flushes, and reports the translator must drop.
 * Timing is the one thing the two do not share (the Java engine's clock is driven by the test):
 * the trace's "flush" lines advance both clocks by exactly the flush interval.
 */
class Ns3DifferentialTest {
    private static final long VA = 0x00007F0000000000L;
    private static final int TRANSLATOR = 0x0A000001;
    private static final int CACHE_LOG2 = 4;
    private static final List<StoreDefinition> STORES = List.of(
            new StoreDefinition(1, "kw", new KeyWriteLayout(10, 8, 2), false),
            new StoreDefinition(2, "ki", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10), false),
            new StoreDefinition(3, "pc", new PostcardLayout(8, 5), false),
            new StoreDefinition(4, "ap", new AppendLayout(4, 4), false),
            new StoreDefinition(5, "sk", new CounterLayout(StoreKind.SKETCH, 2, 10), false));

    @Test
    void javaTranslatorAndNs3ModelEmitTheSameRequestsAndLeaveTheSameStores(@TempDir Path dir) throws Exception {
        Path programs = Ns3.programs();
        List<String> trace = trace(new Random(12));
        Path file = dir.resolve("trace.txt");
        Files.write(file, trace);

        // Java: the software translator's engine
        List<byte[]> javaFrames = new ArrayList<>();
        try (EngineHarness h = programmed()) {
            for (String line : trace) {
                if (line.startsWith("report ")) {
                    javaFrames.addAll(h.report(HexFormat.of().parseHex(line.substring(7))));
                } else if (line.equals("flush")) {
                    javaFrames.addAll(h.advance(1_000_000L));
                }
            }
        }
        Map<String, byte[]> javaStores = apply(javaFrames);

        // C++: the ns-3 model's translator and store model
        Ns3.Result r = Ns3.run(List.of(programs.resolve("dta-trace").toString(), file.toString(), String.valueOf(CACHE_LOG2)), 120);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stderr(), "the C++ model could not apply one of its own requests");
        List<String> cppFrames = r.stdout().lines().filter(l -> l.startsWith("frame ")).toList();
        Map<String, byte[]> cppStores = new LinkedHashMap<>();
        r.stdout().lines().filter(l -> l.startsWith("store ")).forEach(l -> {
            String[] f = l.split(" ");
            cppStores.put(f[1] + "/" + f[2], HexFormat.of().parseHex(f[3]));
        });

        assertTrue(javaFrames.size() > 1000, "the trace exercises little: " + javaFrames.size() + " requests");
        assertEquals(javaFrames.size(), cppFrames.size(), "number of requests");
        int[] perCollector = new int[2];
        for (int i = 0; i < javaFrames.size(); i++) {
            String[] f = cppFrames.get(i).split(" ");
            byte[] cpp = HexFormat.of().parseHex(f[2]);
            byte[] java = javaFrames.get(i);
            assertEquals(collectorOf(java), Integer.parseInt(f[1]), "destination of request " + i);
            assertEquals(java.length, cpp.length, "size of request " + i);
            assertArrayEquals(java, cpp, "request " + i + ": java " + HexFormat.of().formatHex(java) + "\n cpp " + f[2]);
            perCollector[collectorOf(java)]++;
        }
        assertTrue(perCollector[0] > 0 && perCollector[1] > 0, "both collectors get requests");
        assertEquals(javaStores.keySet(), cppStores.keySet());
        for (String store : javaStores.keySet()) {
            assertArrayEquals(javaStores.get(store), cppStores.get(store), "store contents " + store + " (collector/store id)");
        }
    }

    /** The deployment dta-trace.cc fixes: two collectors, bucket b -> b mod 2, one rkey per store. */
    private static EngineHarness programmed() throws Exception {
        // The ns-3 model is a switch requester (protocol.md 5.6, docs/ns3.md): so is the engine here, with
        // a window no trace fills (a retransmitting engine would add PSN queries at the flushes).
        EngineHarness h = new EngineHarness(1 << CACHE_LOG2, new RequesterSettings(false, 1 << 16, 1_000_000));
        TestController c = h.controller;
        List<Update> updates = new ArrayList<>();
        for (StoreDefinition d : STORES) {
            updates.add(c.store(d, 2, 0));
            for (int b = 0; b < 256; b++) {
                updates.add(c.insert(c.entry(COLLECTOR_SELECT, new long[] {d.storeId(), b}, 0, SET_COLLECTOR, b % 2)));
            }
            for (int col = 0; col < 2; col++) {
                updates.add(c.region(col, d.storeId(), 0, VA, 0x1230 + d.storeId()));
            }
        }
        for (int col = 0; col < 2; col++) {
            updates.add(c.queuePair(col, 0x0A000002 + col, TRANSLATOR, 0x11 + col));
            updates.add(c.route(0x0A000002 + col, 32, 0x020000000001L, 0x020000000002L));
            updates.add(c.register(REG_NEXT_PSN, col, 0));
            updates.add(c.register(REG_LAST_ACKED_PSN, col, 0xFFFFFF));
            updates.add(c.register(REG_QP_UP, col, 1));
        }
        updates.add(c.localAddress(TRANSLATOR));
        c.write(updates);
        c.settings(6, 1000, 100);
        return h;
    }

    private static int collectorOf(byte[] frame) {
        return ByteBuffer.wrap(frame, 30, 4).getInt() - 0x0A000002;
    }

    /** WRITE Only and FETCH_ADD applied as the responder does (big-endian counters), store by rkey. */
    private static Map<String, byte[]> apply(List<byte[]> frames) {
        Map<String, byte[]> stores = new LinkedHashMap<>();
        for (int col = 0; col < 2; col++) {
            for (StoreDefinition d : STORES) {
                stores.put(col + "/" + d.storeId(), new byte[(int) d.layout().dataLength()]);
            }
        }
        for (byte[] f : frames) {
            ByteBuffer b = ByteBuffer.wrap(f);
            int opcode = f[42] & 0xFF;
            long offset = b.getLong(54) - VA;
            byte[] m = stores.get(collectorOf(f) + "/" + (b.getInt(62) - 0x1230));
            if (opcode == 0x0A) {
                System.arraycopy(f, 70, m, (int) offset, b.getInt(66));
            } else if (opcode == 0x14) {
                ByteBuffer.wrap(m).putLong((int) offset, ByteBuffer.wrap(m).getLong((int) offset) + b.getLong(66));
            } else {
                throw new AssertionError("unexpected opcode " + opcode);
            }
        }
        return stores;
    }

    // ---------------------------------------------------------------- the trace

    private static List<String> trace(Random rnd) {
        List<String> out = new ArrayList<>();
        List<byte[]> flows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            flows.add(key(rnd));
        }
        int[] pathLength = new int[flows.size()];
        int[] nextHop = new int[flows.size()];
        for (int i = 0; i < flows.size(); i++) {
            pathLength[i] = 1 + rnd.nextInt(5);
        }
        for (int step = 0; step < 3000; step++) {
            int kind = rnd.nextInt(100);
            ByteBuffer r;
            if (kind < 25) { // Key-Write, redundancy 0 (store default) .. 4
                r = ByteBuffer.allocate(28).put((byte) 1).put((byte) 1).putShort((short) 1).put((byte) rnd.nextInt(5)).put((byte) 4)
                        .putShort((short) 0).put(key(rnd)).putInt(rnd.nextInt());
            } else if (kind < 40) { // Key-Increment on a small pool of keys, redundancy 0..2
                r = ByteBuffer.allocate(32).put((byte) 1).put((byte) 2).putShort((short) 2).put((byte) rnd.nextInt(3)).put(new byte[3])
                        .put(flows.get(rnd.nextInt(20))).putLong(rnd.nextInt(1 << 20));
            } else if (kind < 75) { // Postcards of interleaved flows; some hops repeat, some never come
                int f = rnd.nextInt(flows.size());
                int hop = rnd.nextInt(10) == 0 ? rnd.nextInt(pathLength[f]) : nextHop[f] % pathLength[f];
                nextHop[f]++;
                r = ByteBuffer.allocate(28).put((byte) 1).put((byte) 3).putShort((short) 3).put((byte) hop).put((byte) pathLength[f])
                        .putShort((short) 0).put(flows.get(f)).putInt(rnd.nextInt());
            } else if (kind < 88) { // Append to 4 lists of 16 entries, batch 2: rings wrap
                r = ByteBuffer.allocate(12).put((byte) 1).put((byte) 4).putShort((short) 4).putInt(rnd.nextInt(4)).putInt(rnd.nextInt());
            } else if (kind < 97) { // Sketch-Merge: count counters inside one 16-column block
                int count = 1 + rnd.nextInt(16);
                int column = rnd.nextInt(1024 / 16) * 16 + rnd.nextInt(17 - count);
                r = ByteBuffer.allocate(12 + 4 * count).put((byte) 1).put((byte) 5).putShort((short) 5).put((byte) rnd.nextInt(2))
                        .put((byte) count).putShort((short) 0).putInt(column);
                for (int j = 0; j < count; j++) {
                    r.putInt(rnd.nextInt(1000));
                }
            } else { // reports to drop: unknown store, bad version, truncated
                r = switch (rnd.nextInt(3)) {
                    case 0 -> ByteBuffer.allocate(12).put((byte) 1).put((byte) 4).putShort((short) 9).putInt(0).putInt(0);
                    case 1 -> ByteBuffer.allocate(12).put((byte) 2).put((byte) 4).putShort((short) 4).putInt(0).putInt(0);
                    default -> ByteBuffer.allocate(20).put((byte) 1).put((byte) 1).putShort((short) 1).put((byte) 0).put((byte) 4);
                };
            }
            out.add("report " + HexFormat.of().formatHex(r.array()));
            if (rnd.nextInt(400) == 0) {
                out.add("flush");
            }
        }
        out.add("flush");
        return out;
    }

    private static byte[] key(Random rnd) {
        byte[] k = new byte[16];
        for (int i = 0; i < 13; i++) {
            k[i] = (byte) rnd.nextInt(256);
        }
        return k;
    }
}
