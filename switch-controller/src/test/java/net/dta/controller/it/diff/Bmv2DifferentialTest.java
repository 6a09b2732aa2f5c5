package net.dta.controller.it.diff;

import static net.dta.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.dta.controller.p4runtime.P4Entities;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.report.ReportEncoder;
import net.dta.packetio.Ipv4;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RoceRoute;
import net.dta.testkit.P4Toolchain;
import net.dta.testkit.ProtocolVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.PacketIn;

/**
 * Issue 9 item 3: the same report sequences go to the BMv2 translator (translator_v1model.p4
 * compiled by p4c-bm2-ss, in simple_switch_grpc) and to the software translator, both programmed
 * with the same entries through the controller's P4Runtime client, and what they send is compared
 * byte for byte (headers, payload, ICRC); where a step sends nothing (replies from the collector)
 * the queue pair's registers and the counters are compared. The test stands in for the collector:
 * it captures BMv2's frames on its veth and answers with crafted ACKs, NAKs and READ responses.
 * Sequences: every translation vector of protocol.md 10 and the replies of 10.7; a randomised
 * sequence of every primitive with postcard evictions, Append flushes and ring wraps, invalid
 * reports, ACKs and a PSN wrap; NAK-driven resyncs; spoofed and stale replies (protocol.md 5.6);
 * idle flushes and liveness probes with BMv2's lazy timers lined up against the software's
 * manual clock. Allowed differences: {@link DiffExpectations} only.
 */
class Bmv2DifferentialTest {
    private static final int C = 3;
    private static final int TRANSLATOR = Ipv4.parse("10.0.0.1");
    private static final int COLLECTOR = Ipv4.parse("10.0.0.2");
    private static final long TRANSLATOR_MAC = 0x020000000001L;
    private static final long COLLECTOR_MAC = 0x020000000002L;
    private static final int REMOTE_QPN = 0x11;
    private static final int LOCAL_QPN = 0x100 + C;
    private static final long VA = 0x00007F0000000000L;
    private static final int RKEY = 0x1234;
    private static final int NEVER_US = 2_000_000_000;
    private static final int NEVER_MS = 65_535;
    private static final long MS = 1_000_000L;

    /** The stores of protocol.md 10 (ids 1-5), plus wide Key-Write values and a small batch-4 Append ring. */
    private static final List<StoreDefinition> DEFINITIONS = List.of(
            new StoreDefinition(1, "queue-depth", new KeyWriteLayout(10, 8, 2), false),
            new StoreDefinition(2, "flow-bytes", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10), false),
            new StoreDefinition(3, "paths", new PostcardLayout(8, 5), false),
            new StoreDefinition(4, "drops", new AppendLayout(4, 4), false),
            new StoreDefinition(5, "heavy-hitters", new CounterLayout(StoreKind.SKETCH, 2, 10), false),
            new StoreDefinition(6, "wide", new KeyWriteLayout(8, 32, 3), false),
            new StoreDefinition(7, "events", new AppendLayout(2, 4), false));
    private static final Map<Integer, Integer> APPEND_BATCH = Map.of(4, 2, 7, 4);
    private static final Map<Integer, Integer> TAIL_BASE = Map.of(4, 0, 7, 8);

    @TempDir
    Path dir;

    private final ProtocolVectors vectors = ProtocolVectors.load();

    @Test
    void bmv2AndTheSoftwareTranslatorSendTheSameBytes() throws Exception {
        Path bin = P4Toolchain.requireBmv2();
        Path json = P4Toolchain.compileBmv2(bin, "translator/translator_v1model.p4", dir.resolve("p4c"));
        long started = System.nanoTime();
        try (SoftwareDiffTarget software = SoftwareDiffTarget.start(TRANSLATOR_MAC);
             Bmv2DiffTarget bmv2 = Bmv2DiffTarget.start(bin, json, Path.of("target", "bmv2", "differential.log").toAbsolutePath(),
                     TRANSLATOR_MAC, TRANSLATOR)) {
            program(software);
            program(bmv2);
            for (byte[] noise : bmv2.drain()) {
                System.out.println("differential test: discarded a frame that came before the first report: " + RoceText.describe(noise));
            }
            Differ d = new Differ(software, bmv2);
            // Scenarios with idle time first: each starts and ends with nothing held (no postcard
            // entry, no Append batch), since the software's timer flushes everything held at once
            // while BMv2 flushes only what the next report touches.
            translationVectors(d);
            replyVectors(d);
            idleFlushes(d);
            probes(d);
            resync(d);
            replyChecks(d);
            long seed = Long.getLong("dta.diff.seed", 20261207L);
            randomised(d, new Random(seed), Integer.getInteger("dta.diff.steps", 240));
            harnessSeesADifference(d);
            assertTrue(bmv2.isAlive(), "simple_switch_grpc still runs");
            System.out.printf("differential test: %d frames compared byte for byte (seed %d) in %.1f s%n", d.framesCompared(), seed,
                    (System.nanoTime() - started) / 1e9);
            assertTrue(d.differences().isEmpty(), d.differences().size() + " differences between the software translator and BMv2:\n"
                    + String.join("\n", d.differences()));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Programming: the same entries on both, through the controller's P4Runtime client
    // ---------------------------------------------------------------------------------------------

    private static void program(DiffTarget t) throws Exception {
        P4Entities p4 = t.p4();
        List<Entity> entities = new ArrayList<>();
        entities.add(P4Entities.cloneSession(500, 1));
        entities.add(p4.table(LOCAL_ADDRESSES).exact(F_DST_ADDR, TRANSLATOR & 0xFFFF_FFFFL).action(LOCAL_ADDRESS).entity());
        entities.add(p4.table(IPV4_ROUTES).lpm(F_DST_ADDR, COLLECTOR & 0xFFFF_FFFFL, 32).action(FORWARD).param(P_PORT, 1)
                .param(P_SRC_MAC, TRANSLATOR_MAC).param(P_DST_MAC, COLLECTOR_MAC).entity());
        entities.add(p4.table(QUEUE_PAIRS).exact(F_COLLECTOR, C).action(SET_QUEUE_PAIR).param(P_COLLECTOR_IP, COLLECTOR & 0xFFFF_FFFFL)
                .param(P_TRANSLATOR_IP, TRANSLATOR & 0xFFFF_FFFFL).param(P_REMOTE_QPN, REMOTE_QPN).entity());
        for (StoreDefinition s : DEFINITIONS) {
            entities.add(p4.table(REGIONS).exact(F_COLLECTOR, C).exact(F_STORE_ID, s.storeId()).exact(F_SEGMENT, 0).action(SET_REGION)
                    .param(P_VA, VA).param(P_RKEY, RKEY).entity());
            for (int b = 0; b < 256; b++) {
                entities.add(p4.table(COLLECTOR_SELECT).exact(F_STORE_ID, s.storeId()).exact(F_BUCKET, b).action(SET_COLLECTOR)
                        .param(P_COLLECTOR, C).entity());
            }
        }
        for (StoreDefinition s : DEFINITIONS) {
            int[] p = s.layout().params();
            P4Entities.TableEntryBuilder b = p4.table(STORES).exact(F_STORE_ID, s.storeId());
            switch (s.kind()) {
                case KEY_WRITE -> b.action(SET_KEY_WRITE_STORE).param(P_LOG2_SLOTS, p[0]).param(P_SLOT_BYTES, p[1])
                        .param(P_DEFAULT_REDUNDANCY, p[2]);
                case KEY_INCREMENT -> b.action(SET_KEY_INCREMENT_STORE).param(P_ROWS, p[0]).param(P_LOG2_COLUMNS, p[1]);
                case SKETCH -> b.action(SET_SKETCH_STORE).param(P_ROWS, p[0]).param(P_LOG2_COLUMNS, p[1]);
                case POSTCARD -> b.action(SET_POSTCARD_STORE).param(P_LOG2_ROWS, p[0]).param(P_HOPS, p[1]).param(P_ROW_BYTES, p[2]);
                case APPEND -> b.action(SET_APPEND_STORE).param(P_LISTS, p[0]).param(P_LOG2_ENTRIES, p[1])
                        .param(P_BATCH, APPEND_BATCH.get(s.storeId())).param(P_TAIL_BASE, TAIL_BASE.get(s.storeId()));
                default -> throw new IllegalStateException(s.kind().toString());
            }
            entities.add(b.entity());
        }
        t.insert(entities);
        settings(t, NEVER_US, NEVER_MS);
        queuePairAt(t, 0);
    }

    /** The queue pair up, next PSN {@code psn}, everything before it acknowledged. */
    private static void queuePairAt(DiffTarget t, int psn) throws Exception {
        P4Entities p4 = t.p4();
        t.writeRegisters(List.of(p4.register(REG_NEXT_PSN, C, psn), p4.register(REG_LAST_ACKED_PSN, C, (psn - 1) & 0xFFFFFF),
                p4.register(REG_LOST_PACKETS, C, 0), p4.register(REG_QP_UP, C, 1)));
    }

    private static void settings(DiffTarget t, long flushMicros, int probeMillis) throws Exception {
        t.modify(P4Entities.entity(t.p4().table(SETTINGS).defaultEntry().action(SET_SETTINGS).param(P_ACK_INTERVAL_LOG2, 6)
                .param(P_FLUSH_INTERVAL_US, flushMicros).param(P_PROBE_INTERVAL_MS, probeMillis).build()));
    }

    private static void queuePairAt(Differ d, int psn) throws Exception {
        queuePairAt(d.software(), psn);
        queuePairAt(d.bmv2(), psn);
    }

    private static void settings(Differ d, long flushMicros, int probeMillis) throws Exception {
        settings(d.software(), flushMicros, probeMillis);
        settings(d.bmv2(), flushMicros, probeMillis);
    }

    // ---------------------------------------------------------------------------------------------
    // Scenarios
    // ---------------------------------------------------------------------------------------------

    /** protocol.md 10.2-10.6: each vector's reports; both must send exactly the vector's frames. */
    private void translationVectors(Differ d) throws Exception {
        Object[][] cases = {
                {"kw", 0x0000FF, new String[] {"kw.report"}, new String[] {"kw.packet.0", "kw.packet.1"}},
                {"ki", 0x000200, new String[] {"ki.report.0", "ki.report.1"},
                        new String[] {"ki.packet.0", "ki.packet.1", "ki.packet.2", "ki.packet.3"}},
                {"pc", 0x000300, new String[] {"pc.report.0", "pc.report.1", "pc.report.2"}, new String[] {"pc.packet.0"}},
                {"ap", 0x0003FF, new String[] {"ap.report.0", "ap.report.1"}, new String[] {"ap.packet.0"}},
                {"sk", 0x0004FF, new String[] {"sk.report.0", "sk.report.1"}, new String[] {"sk.packet.0", "sk.packet.1"}},
        };
        for (Object[] c : cases) {
            d.begin("vector " + c[0]);
            queuePairAt(d, (Integer) c[1]);
            List<byte[]> sent = new ArrayList<>();
            for (String report : (String[]) c[2]) {
                sent.addAll(d.report(vectors.get(report).bytes()));
            }
            String[] expected = (String[]) c[3];
            for (int i = 0; i < Math.max(expected.length, sent.size()); i++) {
                byte[] want = i < expected.length ? vectors.get(expected[i]).bytes() : null;
                if (i >= sent.size() || !Arrays.equals(want, sent.get(i))) {
                    d.difference("the software translator's frame " + i + " is not protocol.md's "
                            + (want == null ? "(none)" : expected[i]));
                    break;
                }
            }
            d.end();
            d.sameRegister(REG_NEXT_PSN, C);
        }
    }

    /** protocol.md 10.7: a NAK for a lost kw.packet.0, the resend, its ACK, then the same NAK again (stale). */
    private void replyVectors(Differ d) throws Exception {
        d.begin("reply vectors");
        queuePairAt(d, 0x0000FF);
        List<byte[]> sent = d.report(vectors.get("kw.report").bytes());
        sequenceNak(d, vectors.get("reply.nak-psn").bytes(), sent);
        queuePairRegisters(d);
        d.report(vectors.get("kw.report").bytes());
        d.reply(vectors.get("reply.ack").bytes());
        queuePairRegisters(d);
        d.reply(vectors.get("reply.nak-psn").bytes()); // 0xFF is acknowledged: outside the window, ignored
        queuePairRegisters(d);
        d.end();
        d.sameCounter(CTR_QP_RESYNCS);
        d.sameCounter(CTR_QP_ACKS);
        d.sameCounter(CTR_QP_NAKS);
    }

    private static void queuePairRegisters(Differ d) throws Exception {
        d.sameRegister(REG_NEXT_PSN, C);
        d.sameRegister(REG_LAST_ACKED_PSN, C);
        d.sameRegister(REG_LOST_PACKETS, C);
        d.sameRegister(REG_QP_UP, C);
    }

    /**
     * Every primitive in a random mix: Key-Write with 4, 12 and 28-byte values and redundancy 0-3,
     * Key-Increment, postcards of paths of 1-5 hops over flows that share postcard cache entries (so
     * entries are evicted), Append to two stores (batch 2 and 4, rings of 16 entries: they wrap),
     * Sketch-Merge with 1-16 counters, invalid reports of every kind, and ACKs; the PSN starts just
     * before 2^24 and wraps.
     */
    private void randomised(Differ d, Random r, int steps) throws Exception {
        d.begin("randomised");
        queuePairAt(d, 0xFFFFF0);
        List<byte[]> flows = collidingFlows(r, 6);
        MemorySegment buf = MemorySegment.ofArray(new byte[128]);
        int lastPsn = -1;
        for (int i = 0; i < steps; i++) {
            int kind = r.nextInt(100);
            byte[] key = randomKey(r);
            int n;
            if (kind < 15) {
                int width = new int[] {4, 12, 28}[r.nextInt(3)];
                int store = width == 4 && r.nextBoolean() ? 1 : 6;
                n = ReportEncoder.keyWrite(buf, 0, store, r.nextInt(4), key, randomBytes(r, width));
            } else if (kind < 25) {
                n = ReportEncoder.keyIncrement(buf, 0, 2, r.nextInt(3), key, r.nextInt(100_000));
            } else if (kind < 55) {
                byte[] flow = flows.get(r.nextInt(flows.size()));
                int pathLength = 1 + (Arrays.hashCode(flow) & 0x7FFFFFFF) % 5;
                n = ReportEncoder.postcard(buf, 0, 3, r.nextInt(pathLength), pathLength, flow, r.nextInt());
            } else if (kind < 80) {
                boolean small = r.nextBoolean();
                n = ReportEncoder.append(buf, 0, small ? 7 : 4, r.nextInt(small ? 2 : 4), r.nextInt());
            } else if (kind < 88) {
                int count = 1 + r.nextInt(16);
                int[] deltas = new int[count];
                for (int j = 0; j < count; j++) {
                    deltas[j] = r.nextInt(1000);
                }
                n = ReportEncoder.sketchMerge(buf, 0, 5, r.nextInt(2), r.nextInt(1024 - count + 1), deltas, count);
            } else if (kind < 95) {
                n = invalidReport(r, buf, key);
            } else {
                if (lastPsn >= 0) {
                    d.reply(ack(lastPsn, 0));
                }
                continue;
            }
            byte[] report = buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            for (byte[] f : d.report(report)) {
                lastPsn = psn(f);
            }
        }
        d.end();
        queuePairRegisters(d);
        for (int list = 0; list < 10; list++) {
            d.sameRegister(REG_APPEND_TAIL, list);
        }
        d.sameCounter(CTR_REPORTS);
        d.sameCounter(CTR_DROPS);
        d.sameCounter(CTR_QP_SENT);
        d.sameCounter(CTR_QP_ACKS);
    }

    /** One of each kind of bad report: each must be dropped and counted the same way. */
    private static int invalidReport(Random r, MemorySegment buf, byte[] key) {
        return switch (r.nextInt(7)) {
            case 0 -> { // unknown store
                yield ReportEncoder.keyIncrement(buf, 0, 9, 1, key, 1);
            }
            case 1 -> { // kind mismatch: a postcard to the Key-Write store
                yield ReportEncoder.postcard(buf, 0, 1, 0, 1, key, 1);
            }
            case 2 -> { // list out of range
                yield ReportEncoder.append(buf, 0, 4, 4 + r.nextInt(100), 1);
            }
            case 3 -> { // hop beyond the path
                yield ReportEncoder.postcard(buf, 0, 3, 5, 5, key, 1);
            }
            case 4 -> { // a value wider than the slot
                yield ReportEncoder.keyWrite(buf, 0, 1, 1, key, new byte[12]);
            }
            case 5 -> { // bad version
                int n = ReportEncoder.keyIncrement(buf, 0, 2, 1, key, 1);
                buf.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7);
                yield n;
            }
            default -> { // truncated
                yield ReportEncoder.keyIncrement(buf, 0, 2, 1, key, 1) - 3;
            }
        };
    }

    /** A NAK-driven resync: four Key-Writes, the collector says it expects the fourth request's PSN, two more Key-Writes. */
    private void resync(Differ d) throws Exception {
        d.begin("resync");
        queuePairAt(d, 0x123450);
        Random r = new Random(1);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sent.addAll(d.report(keyWrite(r)));
        }
        sequenceNak(d, nak(psn(sent.get(3)), 2), sent);
        queuePairRegisters(d);
        for (int i = 0; i < 2; i++) {
            d.report(keyWrite(r));
        }
        d.end();
        queuePairRegisters(d);
        d.sameCounter(CTR_QP_RESYNCS);
    }

    /**
     * A PSN-sequence NAK naming a PSN in the window, to both. The P4 programs rewind the next PSN to
     * it; a software translator that retransmits instead (DiffExpectations.SOFTWARE_RETRANSMITS_ON_NAK)
     * must send again exactly the frames it sent from that PSN on, while BMv2 sends nothing; BMv2's
     * next PSN and lost count are then set to the software's, so that the comparison goes on.
     */
    private static void sequenceNak(Differ d, byte[] nak, List<byte[]> sent) throws Exception {
        if (!DiffExpectations.SOFTWARE_RETRANSMITS_ON_NAK) {
            d.reply(nak);
            return;
        }
        int e = psn(nak);
        List<byte[]> originals = sent.stream().filter(f -> ((psn(f) - e) & 0xFFFFFF) < 0x800000).toList();
        List<byte[]> resent = d.software().reply(nak, 0);
        List<byte[]> bmv2 = d.bmv2().reply(nak, 0);
        if (resent.size() != originals.size() || !bmv2.isEmpty()) {
            d.difference("go-back-N: the software sent " + resent.size() + " frames again (expected " + originals.size()
                    + "), BMv2 " + bmv2.size() + " (expected 0)");
        }
        for (int i = 0; i < Math.min(resent.size(), originals.size()); i++) {
            if (!Arrays.equals(resent.get(i), originals.get(i))) {
                d.difference("go-back-N: frame " + i + " sent again is not the frame first sent\n  first "
                        + RoceText.describe(originals.get(i)) + "\n  again " + RoceText.describe(resent.get(i)));
            }
        }
        P4Entities p4 = d.bmv2().p4();
        d.bmv2().writeRegisters(List.of(p4.register(REG_NEXT_PSN, C, d.software().register(REG_NEXT_PSN, C)),
                p4.register(REG_LOST_PACKETS, C, d.software().register(REG_LOST_PACKETS, C))));
    }

    /**
     * protocol.md 5.6, which replies count: a NAK from another address, a NAK for a PSN already
     * acknowledged, a NAK for a PSN never sent, an ACK outside the window: all ignored; then an
     * error NAK takes the queue pair down (PacketIn to the controller), and a late ACK comes.
     */
    private void replyChecks(Differ d) throws Exception {
        d.begin("reply checks");
        queuePairAt(d, 0x200000);
        Random r = new Random(2);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.addAll(d.report(keyWrite(r))); // PSNs 0x200000..0x200005
        }
        int first = psn(sent.get(0));
        byte[] spoofed = reply(Ipv4.parse("10.0.0.3"), AethSyndrome.NAK_PSN_SEQUENCE_ERROR, first + 1, 0);
        d.reply(spoofed);
        queuePairRegisters(d);
        d.reply(ack(first + 1, 1));
        queuePairRegisters(d);
        d.reply(nak(first, 1)); // acknowledged already
        queuePairRegisters(d);
        d.reply(nak(first + 100, 1)); // never sent
        queuePairRegisters(d);
        d.reply(ack(first + 100, 1)); // never sent
        queuePairRegisters(d);
        d.reply(nak(first - 50, 1)); // far behind
        queuePairRegisters(d);
        d.reply(reply(COLLECTOR, AethSyndrome.NAK_REMOTE_ACCESS_ERROR, first + 3, 1)); // the queue pair goes down
        queuePairRegisters(d);
        samePacketIns(d, 1, null);
        d.reply(ack(first + 4, 3)); // a late ACK for requests sent before it went down
        queuePairRegisters(d);
        d.report(keyWrite(r)); // dropped: the queue pair is down
        d.end();
        d.sameCounter(CTR_QP_NAKS);
        d.sameCounter(CTR_QP_ACKS);
        d.sameCounter(CTR_DROPS);
        queuePairAt(d, 0x200010);
    }

    /**
     * Idle flushes (flush interval 1 s): a held Append batch and a partial postcard path, then
     * time passes; the software flushes at its timer, BMv2 with the next report that touches the
     * entry (DiffExpectations.LAZY_TIMERS), so those reports follow at once, in the order the
     * software's timer flushes (postcard entries, then Append batches). Then the same at a 1 ms
     * flush interval, which BMv2 is slower than (docs/p4.md: a path is flushed hop by hop).
     */
    private void idleFlushes(Differ d) throws Exception {
        d.begin("idle flushes");
        settings(d, 1_000_000, NEVER_MS); // 1 s: BMv2 handles the reports between two idles well within it
        queuePairAt(d, 0x300000);
        Random r = new Random(3);
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        d.report(append(buf, 1, 0xA1));
        d.idle(1200 * MS);
        d.report(append(buf, 1, 0xA2));
        byte[] flow = randomKey(r);
        d.report(postcard(buf, flow, 0, 3, 0x100));
        d.idle(1200 * MS);
        d.report(postcard(buf, flow, 1, 3, 0x101)); // the row with hop 0 alone, then hop 1 held
        d.report(append(buf, 1, 0xA3));             // the batch with 0xA2 alone, then 0xA3 held
        d.report(postcard(buf, flow, 2, 3, 0x102));
        d.report(postcard(buf, flow, 0, 3, 0x103)); // hops 1, 2, 0: complete
        for (int v = 0xA4; v <= 0xA6; v++) {
            d.report(append(buf, 1, v));             // 0xA3..0xA6: a full batch of 4
        }
        d.end();

        d.begin("postcards at a 1 ms flush interval");
        settings(d, 1000, NEVER_MS); // BMv2 takes longer than 1 ms per report: each postcard finds its entry idle
        byte[] flow2 = randomKey(r);
        d.report(postcard(buf, flow2, 0, 3, 0x200));
        for (int hop = 1; hop < 3; hop++) {
            d.idle(2 * MS);
            d.report(postcard(buf, flow2, hop, 3, 0x200 + hop)); // the row with the previous hop alone
        }
        d.idle(2 * MS);
        d.report(postcard(buf, flow2, 0, 3, 0x203)); // the row with hop 2 alone, then hop 0 held
        settings(d, NEVER_US, NEVER_MS);
        d.report(postcard(buf, flow2, 1, 3, 0x204));
        d.report(postcard(buf, flow2, 2, 3, 0x205)); // complete
        d.end();
        queuePairRegisters(d);
        d.sameRegister(REG_APPEND_TAIL, 9);
        backToBackPath(d, buf, randomKey(r));
    }

    /**
     * docs/p4.md's open question (issue 9): a 3-hop path sent back to back at a 1 ms flush interval
     * ended on BMv2 with only hop 0 in its row. Which postcards share a cache entry depends on when
     * BMv2 gets to each (1 ms is about its time per report), so the burst goes to BMv2 alone; the
     * rows it writes (a later postcard of the flow makes it write what it still holds) show how the
     * hops were grouped, and the software translator, given that timing (no time within a group,
     * 2 ms between groups), must send the same bytes. Every hop must be in exactly one row.
     */
    private static void backToBackPath(Differ d, MemorySegment buf, byte[] flow) throws Exception {
        d.begin("a path sent back to back at a 1 ms flush interval");
        settings(d, 1000, NEVER_MS);
        queuePairAt(d, 0x380000);
        List<byte[]> path = List.of(postcard(buf, flow, 0, 3, 0x300), postcard(buf, flow, 1, 3, 0x301), postcard(buf, flow, 2, 3, 0x302));
        byte[] touch = postcard(buf, flow, 0, 3, 0x303);
        List<byte[]> bmv2 = new ArrayList<>(d.bmv2().burst(path, 0));
        Thread.sleep(5);
        bmv2.addAll(d.bmv2().report(touch, 1));
        List<List<Integer>> groups = new ArrayList<>();
        for (byte[] row : bmv2) {
            groups.add(hopsIn(row, 3));
        }
        System.out.println("BMv2, 3 postcards back to back at a 1 ms flush interval, then a fourth: rows with hops " + groups);
        List<Integer> all = groups.stream().flatMap(List::stream).sorted().toList();
        if (!all.equals(List.of(0, 1, 2))) {
            d.difference("the rows BMv2 wrote hold hops " + groups + ": not each of 0, 1, 2 exactly once");
        }
        List<byte[]> software = new ArrayList<>();
        int next = 0;
        for (List<Integer> g : groups) {
            software.addAll(d.software().idle(2 * MS));
            for (int i = 0; i < g.size(); i++) {
                software.addAll(d.software().report(path.get(next++), 0));
            }
        }
        software.addAll(d.software().idle(2 * MS));
        software.addAll(d.software().report(touch, 0));
        if (software.size() != bmv2.size()) {
            d.difference("software sent " + software.size() + " rows for that grouping, BMv2 " + bmv2.size());
        }
        for (int i = 0; i < Math.min(software.size(), bmv2.size()); i++) {
            if (!Arrays.equals(software.get(i), bmv2.get(i))) {
                d.difference("row " + i + " differs\n  software " + RoceText.describe(software.get(i)) + "\n  BMv2     "
                        + RoceText.describe(bmv2.get(i)));
            }
        }
        settings(d, NEVER_US, NEVER_MS);
        queuePairRegisters(d);
    }

    /** The hops present in a postcard row WRITE (a cell is value ++ (check | 1): never zero when written). */
    private static List<Integer> hopsIn(byte[] frame, int hops) {
        int payload = RoceFrameWriter.BASE_HEADERS + 16; // RETH
        List<Integer> out = new ArrayList<>();
        for (int h = 0; h < hops; h++) {
            boolean present = false;
            for (int b = 0; b < 8; b++) {
                present |= frame[payload + 8 * h + b] != 0;
            }
            if (present) {
                out.add(h);
            }
        }
        return out;
    }

    private static byte[] append(MemorySegment buf, int list, int value) {
        return slice(buf, ReportEncoder.append(buf, 0, 7, list, value));
    }

    private static byte[] postcard(MemorySegment buf, byte[] flow, int hop, int pathLength, int value) {
        return slice(buf, ReportEncoder.postcard(buf, 0, 3, hop, pathLength, flow, value));
    }

    /**
     * Liveness probes (probe interval 300 ms): a request outstanding, time passes, a report that
     * sends nothing (a postcard's first hop) touches the queue pair, BMv2 adds the probe; the
     * software probed at its timer. The probe is answered (READ Response Only); then three probes go
     * unanswered and the fourth due one reaches the controller instead, taking the queue pair down.
     */
    private void probes(Differ d) throws Exception {
        d.begin("probes");
        settings(d, NEVER_US, 300);
        queuePairAt(d, 0x400000);
        Random r = new Random(4);
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        d.report(keyWrite(r));
        List<byte[]> probe = new ArrayList<>(d.idle(400 * MS));
        probe.addAll(d.report(slice(buf, ReportEncoder.postcard(buf, 0, 3, 0, 5, randomKey(r), 1))));
        if (probe.isEmpty()) {
            d.difference("the software translator sent no probe");
        } else {
            byte[] p = probe.get(probe.size() - 1);
            d.reply(readResponse(psn(p), 1));
            queuePairRegisters(d);
        }
        d.report(keyWrite(r));
        for (int i = 0; i < 4; i++) {
            d.idle(400 * MS);
            d.report(slice(buf, ReportEncoder.postcard(buf, 0, 3, 0, 5, randomKey(r), 1)));
        }
        d.end();
        queuePairRegisters(d);
        samePacketIns(d, 1, DiffExpectations.LAZY_TIMERS);

        d.begin("an ACK restarts the probe interval");
        settings(d, NEVER_US, 1000);
        queuePairAt(d, 0x480000);
        List<byte[]> sent = d.report(keyWrite(r));
        d.idle(600 * MS);
        d.reply(ack(psn(sent.get(0)), 1)); // one of the two acknowledged: the other still outstanding
        d.idle(600 * MS);
        d.report(slice(buf, ReportEncoder.postcard(buf, 0, 3, 0, 5, randomKey(r), 1))); // 600 ms after the ACK: no probe
        d.idle(600 * MS);
        d.report(slice(buf, ReportEncoder.postcard(buf, 0, 3, 0, 5, randomKey(r), 1))); // 1.2 s: the probe
        d.end();
        queuePairRegisters(d);
        d.sameCounter(CTR_QP_PROBES);
        d.sameCounter(CTR_DROPS);
        settings(d, NEVER_US, NEVER_MS);
        queuePairAt(d, 0x500000);
    }

    /**
     * The comparison is live: with BMv2 set to an ack interval of 32 and the software to 64, a
     * request at a PSN that is a multiple of 32 but not of 64 carries AckReq on BMv2 only, and the
     * Differ must report exactly that one frame (which is then taken off the list).
     */
    private static void harnessSeesADifference(Differ d) throws Exception {
        int before = d.differences().size();
        d.begin("self-check");
        queuePairAt(d, 0x6000A0);
        d.bmv2().modify(P4Entities.entity(d.bmv2().p4().table(SETTINGS).defaultEntry().action(SET_SETTINGS)
                .param(P_ACK_INTERVAL_LOG2, 5).param(P_FLUSH_INTERVAL_US, NEVER_US).param(P_PROBE_INTERVAL_MS, NEVER_MS).build()));
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        d.report(slice(buf, ReportEncoder.keyIncrement(buf, 0, 2, 1, randomKey(new Random(6)), 1))); // one FETCH_ADD at 0x6000A0
        d.end();
        settings(d.bmv2(), NEVER_US, NEVER_MS);
        List<String> found = d.differences().subList(before, d.differences().size());
        if (found.size() != 1 || !found.get(0).contains("self-check") || !found.get(0).contains("AckReq")) {
            d.difference("the self-check expected one difference (AckReq on BMv2 only), found " + found);
        } else {
            found.clear();
        }
    }

    /**
     * Both sent the same PacketIns (payload and metadata) to the controller. With LAZY_TIMERS, the
     * ingress port is not compared: BMv2's time-out notice rides on the report that found the probe
     * due (port 1), the software's comes from its timer (no ingress port: the CPU port).
     */
    private static void samePacketIns(Differ d, int expected, String exception) throws Exception {
        List<PacketIn> s = d.software().takePacketIns(2000);
        List<PacketIn> b = d.bmv2().takePacketIns(2000);
        if (s.size() != expected || b.size() != expected) {
            d.difference("PacketIns: software " + s.size() + ", BMv2 " + b.size() + ", expected " + expected);
        }
        for (int i = 0; i < Math.min(s.size(), b.size()); i++) {
            if (!s.get(i).getPayload().equals(b.get(i).getPayload())) {
                d.difference("PacketIn " + i + " payload: software " + HexFormat.of().formatHex(s.get(i).getPayload().toByteArray())
                        + ", BMv2 " + HexFormat.of().formatHex(b.get(i).getPayload().toByteArray()));
            }
            if (!metadata(s.get(i), exception).equals(metadata(b.get(i), exception))) {
                d.difference("PacketIn " + i + " metadata: software " + s.get(i).getMetadataList() + ", BMv2 "
                        + b.get(i).getMetadataList());
            }
        }
    }

    private static List<String> metadata(PacketIn p, String exception) {
        List<String> out = new ArrayList<>();
        int ingressPort = new net.dta.p4.P4InfoIndex(net.dta.p4.P4InfoFiles.translatorV1model())
                .packetMetadataField(PACKET_IN, M_INGRESS_PORT).getId();
        for (var m : p.getMetadataList()) {
            if (!(DiffExpectations.LAZY_TIMERS.equals(exception) && m.getMetadataId() == ingressPort)) {
                out.add(m.getMetadataId() + "=" + HexFormat.of().formatHex(m.getValue().toByteArray()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Reports and replies
    // ---------------------------------------------------------------------------------------------

    private static byte[] keyWrite(Random r) {
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        return slice(buf, ReportEncoder.keyWrite(buf, 0, 1, 2, randomKey(r), randomBytes(r, 4)));
    }

    private static byte[] slice(MemorySegment buf, int n) {
        return buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static byte[] randomKey(Random r) {
        return randomBytes(r, DtaHash.KEY_BYTES);
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Flows in pairs that share a postcard cache entry (index(F, 0, 16), protocol.md 6.3), so that one evicts the other. */
    private static List<byte[]> collidingFlows(Random r, int pairs) {
        DtaHash hash = new DtaHash();
        Map<Integer, byte[]> seen = new HashMap<>();
        List<byte[]> out = new ArrayList<>();
        while (out.size() < 2 * pairs) {
            byte[] k = randomKey(r);
            int e = DtaHash.index(hash.keyHash(k), 0, 16);
            byte[] other = seen.putIfAbsent(e, k);
            if (other != null) {
                out.add(other);
                out.add(k);
                seen.remove(e);
            }
        }
        return out;
    }

    private static int psn(byte[] frame) {
        int bth = RoceFrameWriter.BTH_OFFSET;
        return ((frame[bth + 9] & 0xFF) << 16) | ((frame[bth + 10] & 0xFF) << 8) | (frame[bth + 11] & 0xFF);
    }

    private static byte[] ack(int psn, int msn) {
        return reply(COLLECTOR, AethSyndrome.ACK, psn, msn);
    }

    private static byte[] nak(int psn, int msn) {
        return reply(COLLECTOR, AethSyndrome.NAK_PSN_SEQUENCE_ERROR, psn, msn);
    }

    /** An ACK or NAK from {@code source} to the translator's queue pair. */
    private static byte[] reply(int source, int syndrome, int psn, int msn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(256);
            int n = new RoceFrameWriter().acknowledge(f, 0, route(source), LOCAL_QPN, psn & 0xFFFFFF, syndrome, msn);
            return f.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** The answer to a probe: READ Response Only without payload. */
    private static byte[] readResponse(int psn, int msn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(256);
            int n = new RoceFrameWriter().readResponse(f, 0, route(COLLECTOR), RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY, LOCAL_QPN, psn, msn,
                    f, 0, 0);
            return f.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    private static RoceRoute route(int source) {
        return RoceRoute.forQueuePair(COLLECTOR_MAC, TRANSLATOR_MAC, source, TRANSLATOR, REMOTE_QPN);
    }
}
