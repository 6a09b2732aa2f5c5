package net.dta.translator.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.report.ReportEncoder;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.protocol.telemetry.IntFlow;
import net.dta.protocol.telemetry.IntHops;
import net.dta.protocol.telemetry.IntReportWriter;
import net.dta.translator.config.IntIngestConfig;
import net.dta.translator.config.Mode;
import net.dta.translator.testing.LoopbackDeployment;

/**
 * INT reports in, the same answers out as the equivalent DTA reports give: one translator with INT
 * ingest on and two collectors, two sets of stores with the same parameters (ids 11-14 fed by INT,
 * 21-24 by DTA reports made from the same ground truth), every path, flow byte count, queue depth
 * and drop event read back through the collectors' store readers and compared. Then a corpus of
 * malformed INT datagrams: each counted under its reason, no DTA report made, no RDMA request sent.
 */
class IntIngestEndToEndTest {
    static final String STORES = """
            stores:
              - {name: int-queues, id: 11, kind: key-write, slots: 4096, redundancy: 2}
              - {name: int-flows, id: 12, kind: key-increment, rows: 2, columns: 4096}
              - {name: int-paths, id: 13, kind: postcard, rows: 4096, hops: 8}
              - {name: int-drops, id: 14, kind: append, lists: 4, entries-per-list: 256}
              - {name: dta-queues, id: 21, kind: key-write, slots: 4096, redundancy: 2}
              - {name: dta-flows, id: 22, kind: key-increment, rows: 2, columns: 4096}
              - {name: dta-paths, id: 23, kind: postcard, rows: 4096, hops: 8}
              - {name: dta-drops, id: 24, kind: append, lists: 4, entries-per-list: 256}
            """;
    static final int INT_UDP_PORT = 5000;
    static final IntIngestConfig MAPPING = new IntIngestConfig(true, 0, INT_UDP_PORT,
            new IntIngestConfig.Postcards(13, IntIngestConfig.HopValue.SWITCH_AND_QUEUE, 64, 0), new IntIngestConfig.Flows(12, true),
            new IntIngestConfig.Drops(14, 1), new IntIngestConfig.Queues(11));

    @TempDir
    Path dir;

    /** One INT datagram and the DTA reports that say the same. */
    record Case(byte[] datagram, List<byte[]> reports) {
    }

    final DtaHash hash = new DtaHash();
    final List<byte[]> mdFlows = new ArrayList<>();
    final List<byte[]> xdFlows = new ArrayList<>();
    final Map<String, byte[]> queueKeys = new LinkedHashMap<>();

    @Test
    void intReportsGiveTheSameAnswersAsTheEquivalentDtaReports() throws Exception {
        List<Case> cases = groundTruth(new Random(0x1D7));
        try (LoopbackDeployment d = LoopbackDeployment.start(Mode.UDP, 2, STORES, dir, 4, c -> c.withIntIngest(MAPPING));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(d.prefix + "1", 0));
             Arena arena = Arena.ofConfined()) {
            // A 1 s idle flush: per-hop paths (path length 0) are written by it, never split by a slow machine.
            d.controller.settings(6, 1_000_000, 1000);
            InetSocketAddress intAddress = d.translator.intAddress();
            long reports = 0;
            for (Case c : cases) {
                socket.send(new DatagramPacket(c.datagram(), c.datagram().length, intAddress));
                reports += c.reports().size();
            }
            IntIngress ingress = d.translator.intIngress();
            long expected = reports;
            LoopbackDeployment.await("every INT report converted", () -> ingress.count(IntCounter.CONVERTED) == expected);
            assertEquals(cases.size(), ingress.count(IntCounter.DATAGRAMS));
            for (IntCounter c : IntCounter.values()) {
                if (c.loss()) {
                    assertEquals(0, ingress.count(c), c.label());
                }
            }
            // Wait until the INT side has landed (per-hop paths by the idle flush) before the DTA side shares the postcard cache.
            byte[] lastXd = xdFlows.get(xdFlows.size() - 1);
            LoopbackDeployment.await("the per-hop paths' idle flush", () -> paths(d, "int-paths", lastXd).get(2).valid(), 15);
            MemorySegment buf = arena.allocate(64);
            for (Case c : cases) {
                for (byte[] r : c.reports()) {
                    MemorySegment.copy(r, 0, buf, ValueLayout.JAVA_BYTE, 0, r.length);
                    d.send(buf, r.length);
                }
            }
            LoopbackDeployment.await("the DTA per-hop paths", () -> paths(d, "dta-paths", lastXd).get(2).valid(), 15);
            LoopbackDeployment.await("every DTA drop event", () -> d.collector(1).stores().append("dta-drops").read(1, 0, 1000).entries().size() == 20);

            for (byte[] k : mdFlows) {
                LoopbackDeployment.await("flow bytes", () -> counter(d, "dta-flows", k) == counter(d, "int-flows", k));
                List<PostcardStore.Hop> viaInt = paths(d, "int-paths", k);
                assertTrue(viaInt.get(0).valid(), "hop 0 of an INT-MD path");
                assertEquals(paths(d, "dta-paths", k), viaInt);
                assertTrue(counter(d, "int-flows", k) > 0);
            }
            for (byte[] k : xdFlows) {
                assertEquals(paths(d, "dta-paths", k), paths(d, "int-paths", k));
                assertEquals(counter(d, "dta-flows", k), counter(d, "int-flows", k));
            }
            for (byte[] k : queueKeys.values()) {
                int c = hash.bucket(k) % 2;
                byte[] viaInt = d.collector(c).stores().keyWrite("int-queues").get(k).value();
                assertTrue(viaInt != null);
                LoopbackDeployment.await("the DTA queue depth", () -> java.util.Arrays.equals(viaInt,
                        d.collector(c).stores().keyWrite("dta-queues").get(k).value()));
            }
            // List 1 -> bucket 1 -> collector 1.
            AppendStore.Batch viaInt = d.collector(1).stores().append("int-drops").read(1, 0, 1000);
            AppendStore.Batch viaDta = d.collector(1).stores().append("dta-drops").read(1, 0, 1000);
            assertEquals(20, viaInt.entries().size());
            assertEquals(viaDta.entries(), viaInt.entries());
        }
    }

    List<PostcardStore.Hop> paths(LoopbackDeployment d, String store, byte[] key) {
        return d.collector(hash.bucket(key) % 2).stores().postcards(store).path(key);
    }

    long counter(LoopbackDeployment d, String store, byte[] key) {
        return d.collector(hash.bucket(key) % 2).stores().counters(store).estimate(key);
    }

    /** INT-MD sink reports (paths of 1-6 hops, 3 packets each), INT-XD per-hop reports, drop and queue reports. */
    List<Case> groundTruth(Random rnd) {
        List<Case> cases = new ArrayList<>();
        MemorySegment s = MemorySegment.ofArray(new byte[2048]);
        MemorySegment r = MemorySegment.ofArray(new byte[64]);
        IntFlow flow = new IntFlow();
        for (int f = 0; f < 30; f++) {
            flow.set(0x0A000100 + f, 0x0A000200 + rnd.nextInt(200), 30000 + rnd.nextInt(30000), 443, f % 3 == 0 ? IntFlow.UDP : IntFlow.TCP);
            flow.ttl = 60;
            byte[] key = flow.key();
            mdFlows.add(key);
            int hops = 1 + f % 6;
            for (int packet = 0; packet < 3; packet++) {
                flow.payloadBytes = 64 + rnd.nextInt(1400);
                IntHops h = new IntHops();
                for (int i = 0; i < hops; i++) {
                    h.hop(i, 100 + i * 10 + rnd.nextInt(3), rnd.nextInt(5000), rnd.nextInt(8), rnd.nextInt(1 << 20));
                }
                int sink = h.nodeId[hops - 1];
                int n = IntReportWriter.groupHeader(s, 0, 0, cases.size(), sink);
                n += IntReportWriter.mdSinkReport(s, n, flow, INT_UDP_PORT, h);
                List<byte[]> dta = new ArrayList<>();
                for (int i = 0; i < hops; i++) {
                    int value = (h.nodeId[i] & 0xFF) << 24 | h.queueOccupancy[i];
                    dta.add(slice(r, ReportEncoder.postcard(r, 0, 23, i, hops, key, value)));
                }
                int original = 20 + flow.l4HeaderBytes() + flow.payloadBytes;
                dta.add(slice(r, ReportEncoder.keyIncrement(r, 0, 22, 0, key, original)));
                cases.add(new Case(slice(s, n), dta));
            }
        }
        for (int f = 0; f < 8; f++) {
            flow.set(0x0A000300 + f, 0x0A000400 + f, 20000 + f, 80, IntFlow.TCP);
            byte[] key = flow.key();
            xdFlows.add(key);
            flow.payloadBytes = 500 + f;
            for (int hop = 0; hop < 3; hop++) {
                flow.ttl = 64 - hop;
                int node = 200 + hop;
                int occupancy = rnd.nextInt(1 << 24);
                int n = IntReportWriter.groupHeader(s, 0, 0, cases.size(), node);
                n += IntReportWriter.perHopReport(s, n, flow, rnd.nextInt(5000), 2, occupancy);
                List<byte[]> dta = new ArrayList<>();
                dta.add(slice(r, ReportEncoder.postcard(r, 0, 23, hop, 0, key, (node & 0xFF) << 24 | occupancy)));
                if (hop == 0) {
                    dta.add(slice(r, ReportEncoder.keyIncrement(r, 0, 22, 0, key, 20 + 20 + flow.payloadBytes)));
                }
                cases.add(new Case(slice(s, n), dta));
            }
        }
        flow.set(0x0A000501, 0x0A000601, 1234, 80, IntFlow.TCP);
        flow.ttl = 64;
        for (int i = 0; i < 20; i++) {
            int node = 300 + i % 4;
            int reason = 1 + rnd.nextInt(200);
            int n = IntReportWriter.groupHeader(s, 0, 0, cases.size(), node);
            n += IntReportWriter.dropReport(s, n, flow, i % 8, reason);
            cases.add(new Case(slice(s, n), List.of(slice(r, ReportEncoder.append(r, 0, 24, 1, (node << 8) | reason)))));
        }
        for (int i = 0; i < 20; i++) {
            int node = 400 + i % 5;
            int queue = i % 3;
            int occupancy = rnd.nextInt(1 << 24);
            int n = IntReportWriter.groupHeader(s, 0, 0, cases.size(), node);
            n += IntReportWriter.queueReport(s, n, flow, queue, occupancy);
            byte[] key = new byte[16];
            ByteBuffer.wrap(key).putInt(node).put((byte) queue);
            queueKeys.put(node + "/" + queue, key);
            byte[] value = ByteBuffer.allocate(4).putInt(occupancy).array();
            cases.add(new Case(slice(s, n), List.of(slice(r, ReportEncoder.keyWrite(r, 0, 21, 0, key, value)))));
        }
        return cases;
    }

    static byte[] slice(MemorySegment s, int n) {
        return s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    // ---- malformed INT ----

    @Test
    void malformedIntIsCountedByReasonAndWritesNothing() throws Exception {
        try (LoopbackDeployment d = LoopbackDeployment.start(Mode.UDP, 2, STORES, dir, 4, c -> c.withIntIngest(MAPPING));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(d.prefix + "1", 0))) {
            Map<IntCounter, byte[]> corpus = MalformedInt.corpus(INT_UDP_PORT);
            long requestsBefore = requests(d);
            for (byte[] datagram : corpus.values()) {
                socket.send(new DatagramPacket(datagram, datagram.length, d.translator.intAddress()));
            }
            IntIngress ingress = d.translator.intIngress();
            LoopbackDeployment.await("every malformed datagram", () -> ingress.count(IntCounter.DATAGRAMS) == corpus.size());
            for (IntCounter c : IntCounter.values()) {
                if (c.loss()) {
                    assertEquals(corpus.containsKey(c) ? 1 : 0, ingress.count(c), c.label());
                }
            }
            assertTrue(corpus.keySet().containsAll(java.util.Arrays.stream(IntCounter.values()).filter(IntCounter::loss).toList()),
                    "the corpus covers every reason");
            assertEquals(0, ingress.count(IntCounter.CONVERTED));
            Thread.sleep(200);
            assertEquals(requestsBefore, requests(d), "malformed INT makes no RDMA request");
            var status = d.translator.status().intIngest();
            assertEquals(1, status.dropped().get("source_only_metadata"));
            assertTrue(net.dta.translator.status.TranslatorMetrics.render(d.translator.status())
                    .contains("dta_translator_int_drops_total{reason=\"bad_int_header\"} 1"));
        }
    }

    static long requests(LoopbackDeployment d) {
        long n = 0;
        for (int c = 0; c < 2; c++) {
            for (var qp : d.collector(c).backend().queuePairs()) {
                n += qp.writes() + qp.atomics();
            }
        }
        return n;
    }
}
