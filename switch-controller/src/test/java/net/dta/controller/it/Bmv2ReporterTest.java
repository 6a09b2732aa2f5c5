package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import net.dta.controller.Controller;
import net.dta.controller.reporter.ReporterAgent;
import net.dta.controller.status.ControllerStatus;
import net.dta.controller.status.ReporterStatus;
import net.dta.controller.testing.TestNetwork;
import net.dta.deployment.DeploymentLoader;
import net.dta.protocol.report.DropReason;
import net.dta.protocol.report.Report;
import net.dta.protocol.report.StoreChecks;
import net.dta.testkit.Bmv2Switch;
import net.dta.testkit.ExternalTools;
import net.dta.testkit.P4Toolchain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reporter program compiled by p4c on BMv2, programmed by the switch controller: real UDP
 * traffic between two host namespaces is forwarded by its routes, and the reports it emits on
 * its report port (clone session 501) are captured, dissected by tshark and decoded by our parser.
 */
class Bmv2ReporterTest {
    @TempDir
    Path dir;

    @Test
    void shouldForwardTrafficAndReportPostcardsQueueDepthBytesAndDropEvents() throws Exception {
        Path bin = P4Toolchain.requireBmv2();
        ExternalTools.requireTshark();
        Path json = P4Toolchain.compileBmv2(bin, "reporter/reporter_v1model.p4", dir.resolve("p4c"));
        String net = "10.215." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
        String a = net + "1";
        String b = net + "2";
        String reporterIp = net + "100";
        String translatorIp = net + "200";
        try (Bmv2Switch sw = Bmv2Switch.start(bin, Bmv2Switch.randomName(), 3, Path.of("target", "bmv2", "reporter.log").toAbsolutePath())) {
            String nsA = sw.isolateHost(1, a + "/24");
            String nsB = sw.isolateHost(2, b + "/24");
            String macA = sw.hostMac(1);
            String macB = sw.hostMac(2);
            // Hosts resolve each other statically (the reporter rewrites MACs as its routes say).
            run("ip", "netns", "exec", nsA, "ip", "neigh", "replace", b, "lladdr", macB, "dev", sw.hostPort(1));
            run("ip", "netns", "exec", nsA, "ip", "neigh", "replace", net + "99", "lladdr", macB, "dev", sw.hostPort(1));
            Path deployment = dir.resolve("deployment.yaml");
            Files.writeString(deployment, """
                    deployment: {name: bmv2-reporter}
                    controller:
                      admin: {address: "127.0.0.1:0"}
                      rpc-deadline: 30s
                      reconnect: {min-backoff: 100ms, max-backoff: 1s}
                      poll-interval: 200ms
                    collectors:
                      - {name: c, address: 10.216.0.2}
                    stores:
                      - {name: queue-depth, id: 1, kind: key-write}
                      - {name: flow-bytes, id: 2, kind: key-increment}
                      - {name: paths, id: 3, kind: postcard}
                      - {name: drops, id: 4, kind: append}
                    translators:
                      - {name: t, p4runtime: "127.0.0.1:1", address: %s, mac: "02:00:00:00:00:c8"}
                    reporters:
                      - name: leaf
                        p4runtime: "%s"
                        pipeline: bmv2
                        device-config: %s
                        switch-id: 7
                        address: %s
                        mac: "02:00:00:00:00:64"
                        translator: t
                        report-port: 3
                        events: {store: drops, list: 2}
                        routes:
                          - {prefix: %s, port: 2, dst-mac: "%s"}
                          - {prefix: %s, port: 1, dst-mac: "%s"}
                        flows:
                          - {src: %s, dst: %s, protocol: 17, postcard: {store: paths, hop: 1, path-length: 3}, queue-depth: queue-depth, bytes: flow-bytes}
                    """.formatted(translatorIp, sw.p4runtime(), json, reporterIp, b, macB, a, macA, a, b), StandardCharsets.UTF_8);
            Path pcap = dir.resolve("reports.pcap");
            try (Controller controller = Controller.start(DeploymentLoader.load(deployment))) {
                TestNetwork.await("the reporter programmed through BMv2", 60, () -> {
                    ControllerStatus s = controller.status();
                    return !s.reporters().isEmpty() && "ready".equals(s.reporters().get(0).state());
                });
                Process capture = new ProcessBuilder("/usr/bin/tshark", "-q", "-i", sw.hostPort(3), "-w", pcap.toString(),
                        "-f", "udp port 40040").redirectErrorStream(true).redirectOutput(dir.resolve("tshark.log").toFile()).start();
                try {
                    TestNetwork.await("tshark capturing", 20, () -> {
                        try {
                            return Files.readString(dir.resolve("tshark.log")).contains("Capturing on");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
                    String receive = "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('%s',6000))\nprint('ready',flush=True)\n"
                            + "s.settimeout(10)\nn=0\ntry:\n  while n < 5:\n    s.recv(2048); n+=1\nexcept Exception: pass\nprint(n)\n";
                    Process receiver = new ProcessBuilder("ip", "netns", "exec", nsB, "python3", "-c", receive.formatted(b))
                            .redirectErrorStream(true).start();
                    java.io.BufferedReader receiverOut = new java.io.BufferedReader(
                            new java.io.InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
                    assertEquals("ready", receiverOut.readLine(), "the receiver in B is bound");
                    // 5 datagrams of 100 bytes from A to B (routed, monitored), 1 to an address with no route (dropped).
                    String send = "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('%s',5000))\n"
                            + "for i in range(5): s.sendto(b'x'*100,('%s',6000))\ns.sendto(b'y'*50,('%s',6000))\n";
                    run("ip", "netns", "exec", nsA, "python3", "-c", send.formatted(a, b, net + "99"));
                    assertTrue(receiver.waitFor(20, TimeUnit.SECONDS), "the receiver in B ends");
                    String got = receiverOut.readLine();
                    assertEquals("5", got, "B received the 5 datagrams the reporter forwarded; B: "
                            + ExternalTools.run(List.of("ip", "netns", "exec", nsB, "ip", "-s", "link", "show", sw.hostPort(2)), 30).stdout()
                            + ExternalTools.run(List.of("ip", "netns", "exec", nsB, "nstat", "-az"), 30).stdout().lines()
                                    .filter(l -> !l.matches(".*\\s0\\s+0\\.0\\s*")).toList());
                    Thread.sleep(1000);
                } finally {
                    capture.destroy();
                    capture.waitFor(10, TimeUnit.SECONDS);
                }
                // A reload that changes only the reporter's routes keeps its agent and session and writes
                // the difference (a reroute must not reconnect every reporter: mininet's link failure).
                ReporterAgent agent = controller.reporter("leaf");
                ReporterStatus before = controller.status().reporters().get(0);
                Path rerouted = dir.resolve("deployment-rerouted.yaml");
                Files.writeString(rerouted, Files.readString(deployment).replace("    routes:\n",
                        "    routes:\n      - {prefix: %s, port: 2, dst-mac: \"%s\"}\n".formatted(net + "99", macB)));
                controller.reload(DeploymentLoader.load(rerouted));
                TestNetwork.await("the new route written", 30, () -> controller.status().reporters().get(0).writes() > before.writes());
                ReporterStatus after = controller.status().reporters().get(0);
                assertSame(agent, controller.reporter("leaf"), "the same agent after the reload");
                assertEquals(before.sessions(), after.sessions(), "no new session");
                assertEquals(before.pipelinePushes(), after.pipelinePushes(), "no pipeline push");
                assertEquals(0, after.writeFailures(), after.lastError());
                assertEquals("ready", after.state());
            }
            List<String> frames = ExternalTools.tsharkFields(pcap, "ip.src", "ip.dst", "udp.dstport", "udp.length", "data.data");
            assertFalse(ExternalTools.tsharkVerbose(pcap).contains("Malformed"), "tshark finds no malformed frame");
            List<Report> reports = new ArrayList<>();
            HexFormat hex = HexFormat.of();
            for (String f : frames) {
                String[] c = f.split("\\|", -1);
                assertEquals(reporterIp, c[0], f);
                assertEquals(translatorIp, c[1], f);
                assertEquals("40040", c[2], f);
                byte[] payload = hex.parseHex(c[4]);
                Report r = new Report().wrap(MemorySegment.ofArray(payload), 0, payload.length);
                assertEquals(DropReason.NONE, StoreChecks.checkLimits(r), "our parser accepts " + c[4]);
                reports.add(r);
            }
            long postcards = reports.stream().filter(r -> r.opcode() == Report.OPCODE_POSTCARD).count();
            long depths = reports.stream().filter(r -> r.opcode() == Report.OPCODE_KEY_WRITE).count();
            long bytes = reports.stream().filter(r -> r.opcode() == Report.OPCODE_KEY_INCREMENT).count();
            List<Report> drops = reports.stream().filter(r -> r.opcode() == Report.OPCODE_APPEND).toList();
            assertEquals(5, postcards, "a postcard per monitored packet: " + frames);
            assertEquals(5, depths, "a queue depth per monitored packet");
            assertEquals(5, bytes, "a byte count per monitored packet");
            assertEquals(1, drops.size(), "one drop event");
            for (Report r : reports) {
                if (r.opcode() == Report.OPCODE_POSTCARD) {
                    assertEquals(3, r.storeId());
                    assertEquals(1, r.hop(), "the hop index comes from the configuration");
                    assertEquals(3, r.pathLength());
                    assertEquals(7, r.postcardValue() >>> 24, "switch id in the postcard value");
                } else if (r.opcode() == Report.OPCODE_KEY_INCREMENT) {
                    assertEquals(2, r.storeId());
                    assertEquals(128, r.delta(), "IPv4 total length: 20 + 8 + 100");
                }
            }
            assertEquals(4, drops.get(0).storeId());
            assertEquals(2, drops.get(0).list());
            assertEquals(1, drops.get(0).appendValue() >>> 24, "event 1: drop");
            assertEquals(7, (drops.get(0).appendValue() >>> 16) & 0xFF, "switch id");
            assertTrue(sw.isAlive());
        }
    }

    private static void run(String... cmd) {
        ExternalTools.Result r = ExternalTools.run(List.of(cmd), 60);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + r.stderr());
        }
    }
}
