package net.dta.translator;

import static net.dta.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
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
        try (LoopbackDeployment d = LoopbackDeployment.start(mode, 2, STORES, dir, 4)) {
            everyPrimitiveLands(d);
        }
    }

    /** network.report-address means the same in every mode: the report socket is bound to it, not to network.address. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"UDP", "RAW"})
    void reportsArriveOnTheReportAddress(Mode mode) throws Exception {
        try (LoopbackDeployment d = LoopbackDeployment.start(mode, 2, STORES, dir, 4, c -> {
            String own = c.network().address().getHostAddress();
            String other = own.substring(0, own.lastIndexOf('.') + 1) + "7";
            return c.withNetwork(c.network().withReportAddress(net.dta.protocol.Addresses.inet4(net.dta.packetio.Ipv4.parse(other))));
        })) {
            assertEquals(d.prefix + "7", d.translator.reportAddress().getAddress().getHostAddress());
            assertEquals(d.prefix + "7", d.translator.status().network().reportAddress());
            everyPrimitiveLands(d);
        }
    }

    /** A translator box between two links: reports in on one veth (network.report-address), collectors behind another. */
    @Test
    void inXdpModeReportsOnOneLinkReachCollectorsBehindAnother() throws Exception {
        try (LoopbackDeployment d = LoopbackDeployment.startReportsApart(2, STORES, dir, 4)) {
            var network = d.translator.status().network();
            assertNotEquals(network.address(), network.reportAddress());
            assertEquals(network.reportAddress(), d.translator.reportAddress().getAddress().getHostAddress());
            // Two interfaces, two XDP programs: RoCEv2 takes AF_XDP on its own link wherever the reports' link has it.
            assertEquals(network.reportSocket().startsWith("AF_XDP"), network.roceSocket().startsWith("AF_XDP"),
                    network.reportSocket() + " / " + network.roceSocket());
            everyPrimitiveLands(d);
        }
    }

    private void everyPrimitiveLands(LoopbackDeployment d) throws Exception {
        DtaHash hash = new DtaHash();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(128);
            // Generous timers: on a loaded machine a 1 ms flush would split a path, 100 ms probes could time out.
            d.controller.settings(6, 1_000_000, 1000);
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
            // Bad reports over the same socket: counted by reason, nothing sent.
            // Requests the collectors executed (probes are zero-length READs: neither writes nor atomics).
            java.util.function.LongSupplier requests = () -> {
                long n = 0;
                for (int c = 0; c < 2; c++) {
                    for (var qp : d.collector(c).backend().queuePairs()) {
                        n += qp.writes() + qp.atomics();
                    }
                }
                return n;
            };
            long sent = requests.getAsLong();
            d.send(buf, 3);
            buf.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 1, (byte) 9);
            d.send(buf, 12);
            d.send(buf, ReportEncoder.append(buf, 0, 4, 7, 1));
            d.send(buf, ReportEncoder.keyWrite(buf, 0, 99, 0, key(1), new byte[4]));
            LoopbackDeployment.await("four drops", () -> d.controller.readCounter(CTR_DROPS, 1).getPacketCount()
                    + d.controller.readCounter(CTR_DROPS, 3).getPacketCount() + d.controller.readCounter(CTR_DROPS, 9).getPacketCount()
                    + d.controller.readCounter(CTR_DROPS, 4).getPacketCount() == 4);
            Thread.sleep(200);
            assertEquals(sent, requests.getAsLong(), "bad reports make no requests");
            assertEquals(0, d.collector(0).backend().counters().drops().values().stream().mapToLong(Long::longValue).sum()
                    + d.collector(1).backend().counters().drops().values().stream().mapToLong(Long::longValue).sum(),
                    "collector-side drops");
        }
    }

    @Test
    void anAppendRingWrapsAndAReaderThatWasLappedCountsTheOverrun() throws Exception {
        try (LoopbackDeployment d = LoopbackDeployment.start(Mode.UDP, 1, STORES, dir, 4); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            for (int i = 0; i < 20; i++) {
                d.send(buf, ReportEncoder.append(buf, 0, 4, 2, 0xA000 + i));
            }
            var ring = d.collector(0).stores().append("ap");
            LoopbackDeployment.await("entry 19", () -> ring.read(2, 19, 1).entries().size() == 1);
            // A reader still at position 0 was lapped: entries 0..3 are gone, counted, never returned wrong.
            AppendStore.Batch lapped = ring.read(2, 0, 100);
            assertEquals(4, lapped.overrun());
            assertEquals(16, lapped.entries().size());
            for (int i = 0; i < 16; i++) {
                assertEquals(4 + i, lapped.entries().get(i).position());
                assertEquals(0xA000 + 4 + i, lapped.entries().get(i).value());
            }
            assertEquals(20, lapped.next());
            assertEquals(20, d.controller.readRegister(REG_APPEND_TAIL, 256 * 4 + 2));
        }
    }

    @Test
    void aPacketOutIsRoutedOntoTheWire() throws Exception {
        try (LoopbackDeployment d = LoopbackDeployment.start(Mode.UDP, 1, STORES, dir, 4);
             java.net.DatagramSocket target = new java.net.DatagramSocket(new java.net.InetSocketAddress(d.prefix + "20", 0))) {
            target.setSoTimeout(5000);
            int address = net.dta.packetio.Ipv4.parse(d.prefix + "20");
            d.controller.write(d.controller.route(address, 32, 0x020000000001L, 0x020000000020L));
            byte[] payload = "hello from the controller".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] frame = new byte[42 + payload.length];
            MemorySegment f = MemorySegment.ofArray(frame);
            net.dta.protocol.Bytes.u16(f, 12, 0x0800);
            net.dta.protocol.Bytes.u32(f, 14, 0x4500_0000L | (28 + payload.length));
            net.dta.protocol.Bytes.u32(f, 18, 0x4000);
            net.dta.protocol.Bytes.u32(f, 22, 0x4011_0000L);
            net.dta.protocol.Bytes.u32(f, 26, net.dta.packetio.Ipv4.parse(d.prefix + "1") & 0xFFFFFFFFL);
            net.dta.protocol.Bytes.u32(f, 30, address & 0xFFFFFFFFL);
            net.dta.protocol.Bytes.u16(f, 34, 4791);
            net.dta.protocol.Bytes.u16(f, 36, target.getLocalPort());
            net.dta.protocol.Bytes.u16(f, 38, 8 + payload.length);
            System.arraycopy(payload, 0, frame, 42, payload.length);
            d.controller.packetOut(frame, 0);
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[100], 100);
            target.receive(p);
            assertEquals("hello from the controller", new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(d.prefix + "1", p.getAddress().getHostAddress());
            // GetForwardingPipelineConfig over the TCP server: the translator's P4Info, unchanged.
            var config = d.controller.stub().getForwardingPipelineConfig(p4.v1.P4RuntimeOuterClass.GetForwardingPipelineConfigRequest
                    .newBuilder().setDeviceId(1).build()).getConfig();
            assertEquals(net.dta.p4.P4InfoFiles.translatorV1model(), config.getP4Info());
        }
    }
}
