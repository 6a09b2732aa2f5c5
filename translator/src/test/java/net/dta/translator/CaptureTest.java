package net.dta.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.report.ReportEncoder;
import net.dta.testkit.ExternalTools;
import net.dta.translator.config.Mode;
import net.dta.translator.testing.LoopbackDeployment;

/**
 * The translator's output in raw mode, captured on the loopback interface while it serves a
 * collector, checked by independent tools: tshark decodes every packet with the expected BTH,
 * RETH and AtomicETH fields, and Scapy's RoCEv2 implementation recomputes every ICRC.
 */
class CaptureTest {
    @TempDir
    Path dir;

    @Test
    void translatorOutputIsDecodedByTsharkAndEveryIcrcMatchesScapys() throws Exception {
        ExternalTools.requireTshark();
        ExternalTools.requireScapy();
        LoopbackDeployment.requireRaw();
        Path pcap = dir.resolve("translator.pcap");
        Path log = dir.resolve("tshark.log");
        String prefix = LoopbackDeployment.randomPrefix();
        String translator = prefix + "1";
        Process tshark = new ProcessBuilder("/usr/bin/tshark", "-i", "lo", "-q", "-w", pcap.toString(), "-f",
                "udp dst port 4791 and src net " + prefix + "0/24")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            LoopbackDeployment.await("tshark capturing", () -> {
                try {
                    return Files.exists(log) && Files.readString(log).contains("Capturing on");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Thread.sleep(500);
            try (LoopbackDeployment d = LoopbackDeployment.start(Mode.RAW, 1, EndToEndTest.STORES, dir, 2, prefix);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(128);
                // A 200 ms flush keeps the two Append entries in one batch on a loaded machine; probes every 100 ms.
                d.controller.settings(6, 200_000, 100);
                byte[] key = EndToEndTest.key(5);
                d.send(buf, ReportEncoder.keyWrite(buf, 0, 1, 2, key, new byte[] {1, 2, 3, 4}));
                d.send(buf, ReportEncoder.keyIncrement(buf, 0, 2, 1, key, 1500));
                d.send(buf, ReportEncoder.append(buf, 0, 4, 0, 0xDEAD0001));
                d.send(buf, ReportEncoder.append(buf, 0, 4, 0, 0xDEAD0002));
                LoopbackDeployment.await("the writes", () -> d.collector(0).stores().append("ap").read(0, 0, 10).entries().size() == 2
                        && d.collector(0).stores().keyWrite("kw").get(key).agree() == 2);
                Thread.sleep(300);
            }
        } finally {
            tshark.destroy();
            tshark.waitFor(10, TimeUnit.SECONDS);
        }
        List<String> all = ExternalTools.tsharkFields(pcap, "ip.src", "infiniband.bth.opcode", "infiniband.bth.destqp",
                "infiniband.reth.r_key", "infiniband.reth.dmalen", "infiniband.atomiceth.swapdt");
        assertTrue(all.stream().anyMatch(r -> !r.startsWith(translator + "|")), "the collector's replies were captured too");
        List<String> rows = all.stream().filter(r -> r.startsWith(translator + "|")).map(r -> r.substring(translator.length() + 1))
                .toList();
        // The requests of the reports, after the CM REQ, RTU and catalog READ the controller sent through the translator.
        List<String> data = rows.stream().filter(r -> (r.startsWith("10|") || r.startsWith("20|")) && !r.endsWith("|0|")).toList();
        assertEquals(4, data.size(), "2 WRITEs (Key-Write), 1 FETCH_ADD, 1 WRITE (Append batch of 2): " + rows);
        // The collector's QPN is random (protocol.md 7): every request goes to the same one.
        String qpn = data.get(0).split("\\|")[1];
        assertTrue(data.stream().allMatch(r -> r.split("\\|")[1].equals(qpn)), "one destination QPN: " + data);
        assertTrue(data.get(0).matches("10\\|0x[0-9a-f]+\\|0x[0-9a-f]+\\|8\\|"), data.get(0));
        assertTrue(data.get(2).matches("20\\|0x[0-9a-f]+\\|0x[0-9a-f]+\\|\\|1500"), data.get(2));
        assertTrue(data.get(3).matches("10\\|0x[0-9a-f]+\\|0x[0-9a-f]+\\|16\\|"), data.get(3));
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("100|")), "the CM REQ/RTU (UD SEND Only)");
        // The tail's WRITEs ask for no ACK: a PSN query (WRITE of length 0, protocol.md 5.6) after 1 ms, or, if
        // the last one asked for an ACK, a liveness probe (READ of length 0) after 100 ms, asks for one.
        assertTrue(rows.stream().anyMatch(r -> (r.startsWith("10|") || r.startsWith("12|")) && r.endsWith("|0|")),
                "a PSN query (WRITE of length 0) or a liveness probe (READ of length 0): " + rows);
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("12|") && !r.endsWith("|0|")), "the catalog READ request");
        assertFalse(ExternalTools.tsharkVerbose(pcap).contains("Malformed"));
        List<String> icrc = ExternalTools.scapyIcrcCheck(pcap);
        assertEquals(all.size(), icrc.size());
        assertTrue(icrc.stream().allMatch("ok"::equals), "Scapy's ICRC of every frame: " + icrc);
    }
}
