package net.dta.reporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.report.Report;
import net.dta.packetio.Ipv4;
import net.dta.testkit.ExternalTools;
import net.dta.testkit.Loopback;
import net.dta.testkit.Pcap;
import net.dta.testkit.ProtocolVectors;
import net.dta.testkit.RepoPaths;

/**
 * The Wireshark Lua dissector (deploy/wireshark/dta.lua) run by tshark: on frames made from the
 * report and CM vectors of docs/protocol.md plus malformed reports, and on reports this library
 * sent over loopback and tshark captured. Every decoded field must equal what the report carried
 * (read with the protocol module's flyweight, or what the test sent).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WiresharkDissectorTest {
    private static final Path LUA = RepoPaths.root().resolve("deploy/wireshark/dta.lua");
    private static final List<String> FIELDS = List.of("dta.version", "dta.opcode", "dta.store", "dta.key", "dta.kw.redundancy",
            "dta.kw.value_length", "dta.kw.value", "dta.ki.redundancy", "dta.ki.delta", "dta.pc.hop", "dta.pc.path_length", "dta.pc.value",
            "dta.ap.list", "dta.ap.value", "dta.sk.row", "dta.sk.count", "dta.sk.column", "dta.sk.delta");
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @BeforeEach
    void requireTshark() {
        ExternalTools.requireTshark();
    }

    @Test
    void everyReportVectorIsDecodedFieldByField() throws IOException {
        ProtocolVectors vectors = ProtocolVectors.load();
        List<byte[]> reports = new ArrayList<>();
        for (String prefix : List.of("kw.report", "ki.report", "pc.report", "ap.report", "sk.report")) {
            vectors.withPrefix(prefix).forEach(v -> reports.add(v.bytes()));
        }
        assertTrue(reports.size() >= 5, "report vectors found: " + reports.size());
        List<byte[]> frames = new ArrayList<>();
        reports.forEach(r -> frames.add(udpFrame(0x0A000009, 0x0A00000A, 5000, Report.DEFAULT_PORT, r)));
        List<Map<String, String>> decoded = decode(Pcap.write(dir.resolve("vectors.pcap"), frames));
        assertEquals(reports.size(), decoded.size());
        for (int i = 0; i < reports.size(); i++) {
            assertEquals(expected(reports.get(i)), decoded.get(i), "report " + HEX.formatHex(reports.get(i)));
        }
    }

    @Test
    void malformedReportsAreFlaggedAsExpertInfo() throws IOException {
        String[] bad = {
            "0101",                                   // shorter than the base header
            "01010001020400000a000001",               // Key-Write without its key and value
            "0201000100000000",                       // version 2
            "0109000100000000",                       // opcode 9
            "0101000102050000" + "00".repeat(16) + "0000000000",  // value length 5
            "01050005000300000000000e000000010000000200000003",   // columns 14..16 cross a 16-column boundary
        };
        String[] expectedExpert = {"shorter than the 4-byte base header", "Key-Write needs 28 bytes, the datagram has 12",
            "version 2 (this dissector knows 1)", "opcode 9 is not 1..5", "Key-Write value length 5 is not 4, 12 or 28",
            "the counters cross a 16-column boundary"};
        List<byte[]> frames = new ArrayList<>();
        for (String hex : bad) {
            frames.add(udpFrame(0x0A000009, 0x0A00000A, 5000, Report.DEFAULT_PORT, HEX.parseHex(hex)));
        }
        List<String> lines = ExternalTools.tsharkFields(Pcap.write(dir.resolve("bad.pcap"), frames), lua(), "_ws.expert.message");
        assertEquals(bad.length, lines.size());
        for (int i = 0; i < bad.length; i++) {
            assertTrue(lines.get(i).contains(expectedExpert[i]), "report " + bad[i] + ": " + lines.get(i));
        }
        // The verbose tree names unknown versions and opcodes as such.
        String verbose = ExternalTools.run(List.of("/usr/bin/tshark", "-X", "lua_script:" + LUA, "-r", dir.resolve("bad.pcap").toString()), 60)
                .stdout();
        assertTrue(verbose.contains("unknown version 2") && verbose.contains("unknown opcode 9"), verbose);
    }

    @Test
    void theDtaDataInCmRequestAndReplyIsDecoded() throws IOException {
        ProtocolVectors vectors = ProtocolVectors.load();
        byte[] req = vectors.get("cm.req").bytes();
        byte[] rep = vectors.get("cm.rep").bytes();
        List<String> lines = ExternalTools.tsharkFields(Pcap.write(dir.resolve("cm.pcap"), List.of(req, rep)), lua(),
                "dta_cm.magic", "dta_cm.translator_id", "dta_cm.store_count", "dta_cm.boot_id", "dta_cm.catalog_generation",
                "dta_cm.catalog_va", "dta_cm.catalog_rkey", "dta_cm.catalog_length");
        // The DTA REQ data sits at IP CM private data byte 36 (MAD 24 + REQ 140 + 36); the REP data at REP private data 0.
        int reqData = 14 + 20 + 8 + 12 + 8 + 24 + 140 + 36;
        ByteBuffer r = ByteBuffer.wrap(req, reqData, 8);
        assertEquals(0x44544131, r.getInt());
        r.getShort();
        assertEquals(String.format("0x44544131|%d||||||", r.getShort() & 0xFFFF), lines.get(0));
        ByteBuffer p = ByteBuffer.wrap(rep, 14 + 20 + 8 + 12 + 8 + 24 + 36, 40);
        p.getInt();
        p.getShort();
        int stores = p.getShort() & 0xFFFF;
        String expected = String.format("0x44544131||%d|0x%016x|%d|0x%016x|0x%08x|%d", stores, p.getLong(), p.getLong(), p.getLong(),
                p.getInt(), p.getInt());
        assertEquals(expected, lines.get(1));
        // Version 2: the REQ's timestamp and MAC, the REP's MAC (protocol.md 10.8 gives both MACs).
        List<String> auth = ExternalTools.tsharkFields(dir.resolve("cm.pcap"), lua(), "dta_cm.version", "dta_cm.timestamp",
                "dta_cm.mac");
        assertEquals("2|1767225600000|c4d09c992a6a35692e00aa9af35b74db", auth.get(0).replace(":", ""));
        assertEquals("2||fd15b52cb36a7440a7120c1623c16741", auth.get(1).replace(":", ""));
    }

    @Test
    void reportsSentOverLoopbackAndCapturedByTsharkDecodeToWhatWasSent() throws Exception {
        String address = Loopback.uniqueSubnet() + "1";
        Path pcap = dir.resolve("live.pcap");
        List<byte[]> sent = new ArrayList<>();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress(address, Report.DEFAULT_PORT))) {
            int count = 25;
            Process tshark = new ProcessBuilder("/usr/bin/tshark", "-i", "lo", "-f", "udp and dst host " + address + " and dst port "
                    + Report.DEFAULT_PORT, "-c", Integer.toString(count), "-w", pcap.toString()).redirectErrorStream(true).start();
            awaitCapturing(tshark);
            Thread.sleep(500); // "Capturing on" is printed before the capture filter is attached: on a loaded machine the first reports were missed
            try (DtaReporter reporter = DtaReporter.open(ReporterOptions.to(Ipv4.parse(address)).withBatchSize(1))) {
                for (int i = 0; i < count / 5; i++) {
                    byte[] key = new byte[16];
                    rnd.nextBytes(key);
                    reporter.keyWrite(1 + i, key, rnd.nextInt(), 1 + rnd.nextInt(8));
                    reporter.keyIncrement(2, key, rnd.nextLong() >>> 1, rnd.nextInt(8));
                    reporter.postcard(3, key, i, 5, rnd.nextInt());
                    reporter.append(4, rnd.nextInt(1 << 24), rnd.nextInt());
                    reporter.sketchMerge(5, rnd.nextInt(8), 16L * rnd.nextInt(1000) + i, new int[] {rnd.nextInt(1 << 30), rnd.nextInt(1 << 30)}, 2);
                    reporter.flush();
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            for (int i = 0; i < count; i++) {
                buffer.clear();
                sink.receive(buffer);
                buffer.flip();
                byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                sent.add(datagram);
            }
            assertTrue(tshark.waitFor(30, TimeUnit.SECONDS), "tshark captured " + count + " packets");
            assertEquals(0, tshark.exitValue(), new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        List<Map<String, String>> decoded = decode(pcap);
        assertEquals(sent.size(), decoded.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(expected(sent.get(i)), decoded.get(i), "report " + i + ": " + HEX.formatHex(sent.get(i)));
        }
    }

    /** Waits for tshark's "Capturing on" line; skips (or fails in CI) when it may not capture. */
    private static void awaitCapturing(Process tshark) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(tshark.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains("Capturing on")) {
                return;
            }
        }
        String problem = "tshark cannot capture on lo (run as root or with CAP_NET_RAW): " + seen;
        if ("1".equals(System.getenv("DTA_REQUIRE_RAW"))) {
            throw new AssertionError(problem);
        }
        Assumptions.abort(problem);
    }

    private static List<String> lua() {
        return List.of("-X", "lua_script:" + LUA);
    }

    /** Per frame, the dissector's fields by name (empty ones left out). */
    private static List<Map<String, String>> decode(Path pcap) {
        List<Map<String, String>> frames = new ArrayList<>();
        for (String line : ExternalTools.tsharkFields(pcap, lua(), FIELDS.toArray(String[]::new))) {
            String[] values = line.split("\\|", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < FIELDS.size(); i++) {
                if (i < values.length && !values[i].isEmpty()) {
                    m.put(FIELDS.get(i), values[i]);
                }
            }
            frames.add(m);
        }
        return frames;
    }

    /** The same fields, as tshark prints them, read from the report with the protocol module's flyweight. */
    private static Map<String, String> expected(byte[] datagram) {
        Report r = new Report().wrap(MemorySegment.ofArray(datagram), 0, datagram.length);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dta.version", Integer.toString(r.version()));
        m.put("dta.opcode", Integer.toString(r.opcode()));
        m.put("dta.store", Integer.toString(r.storeId()));
        byte[] key = new byte[16];
        switch (r.opcode()) {
            case Report.OPCODE_KEY_WRITE -> {
                r.copyKey(key);
                m.put("dta.key", HEX.formatHex(key));
                m.put("dta.kw.redundancy", Integer.toString(r.redundancy()));
                m.put("dta.kw.value_length", Integer.toString(r.valueLength()));
                byte[] value = new byte[r.valueLength()];
                r.copyValue(value);
                m.put("dta.kw.value", HEX.formatHex(value));
            }
            case Report.OPCODE_KEY_INCREMENT -> {
                r.copyKey(key);
                m.put("dta.key", HEX.formatHex(key));
                m.put("dta.ki.redundancy", Integer.toString(r.redundancy()));
                m.put("dta.ki.delta", Long.toUnsignedString(r.delta()));
            }
            case Report.OPCODE_POSTCARD -> {
                r.copyKey(key);
                m.put("dta.key", HEX.formatHex(key));
                m.put("dta.pc.hop", Integer.toString(r.hop()));
                m.put("dta.pc.path_length", Integer.toString(r.pathLength()));
                m.put("dta.pc.value", String.format("0x%08x", r.postcardValue()));
            }
            case Report.OPCODE_APPEND -> {
                m.put("dta.ap.list", Long.toString(r.list()));
                m.put("dta.ap.value", String.format("0x%08x", r.appendValue()));
            }
            case Report.OPCODE_SKETCH_MERGE -> {
                m.put("dta.sk.row", Integer.toString(r.row()));
                m.put("dta.sk.count", Integer.toString(r.count()));
                m.put("dta.sk.column", Long.toString(r.column()));
                List<String> deltas = new ArrayList<>();
                for (int j = 0; j < r.count(); j++) {
                    deltas.add(Long.toString(r.sketchDelta(j)));
                }
                m.put("dta.sk.delta", String.join(",", deltas));
            }
            default -> throw new AssertionError("opcode " + r.opcode());
        }
        return m;
    }

    /** Ethernet / IPv4 (with its checksum) / UDP (checksum 0, allowed by protocol.md 2.1) around a payload. */
    private static byte[] udpFrame(int src, int dst, int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        b.put(HEX.parseHex("020000000002020000000001")).putShort((short) 0x0800);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length)).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
        int sum = 0;
        for (int i = ipStart; i < ipStart + 20; i += 2) {
            sum += b.getShort(i) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum += sum >>> 16;
        b.putShort(ipStart + 10, (short) ~sum);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }
}
