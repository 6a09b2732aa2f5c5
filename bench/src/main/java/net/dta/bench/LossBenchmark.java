package net.dta.bench;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import net.dta.protocol.report.ReportEncoder;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.dataplane.RequesterSettings;
import net.dta.translator.status.TranslatorStatus;

/**
 * Reports lost to packet loss between the translator and a collector (issue 13 items 1 and 2;
 * docs/reliability.md): for each requester class (switch: rewind at a NAK; retransmitting:
 * go-back-N from the ring), loss rate and primitive, a fresh loopback deployment with a
 * {@link net.dta.translator.link.LossyRelay} dropping that fraction of the packets in both
 * directions; a paced load of reports; then, with the loss switched off, until nothing is held or
 * in flight. Reported: the packets the relay dropped, the reports lost (counted by reason, plus
 * those dropped at ingress because the queue pair was down), their ratio, and whether every
 * accepted report is applied or counted lost (conservation).
 */
public final class LossBenchmark {
    /** @param rate reports per second offered (the relay is one Java thread: keep it within what it carries) */
    public record Options(List<Double> lossRates, List<String> primitives, List<String> requesters, int reports, int rate, int window,
                          Path dir) {
    }

    private LossBenchmark() {
    }

    public static void run(Options o, PrintWriter out, PrintWriter err) throws Exception {
        out.println("Window " + o.window() + ", " + o.reports() + " reports per run at " + o.rate() + " reports/s.");
        out.println();
        out.println("| requester | loss | primitive | reports | packets dropped | reports lost | lost % | lost / dropped "
                + "| applied | lost by reason | conservation |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        int run = 0;
        for (String requester : o.requesters()) {
            RequesterSettings settings = switch (requester) {
                case "switch" -> new RequesterSettings(false, o.window(), RequesterSettings.DEFAULT_TIMEOUT_MICROS * 1000);
                case "retransmit" -> new RequesterSettings(true, o.window(), RequesterSettings.DEFAULT_TIMEOUT_MICROS * 1000);
                default -> throw new IllegalArgumentException("requester must be switch or retransmit, got " + requester);
            };
            for (double loss : o.lossRates()) {
                for (String primitive : o.primitives()) {
                    err.printf("loss: %s requester, %.1f %% loss, %s, %d reports at %d/s...%n", requester, loss * 100, primitive,
                            o.reports(), o.rate());
                    err.flush();
                    Path dir = Files.createDirectories(o.dir().resolve("loss-" + (run++)));
                    out.println(once(dir, settings, requester, loss, primitive, o, err));
                    out.flush();
                }
            }
        }
    }

    private static String once(Path dir, RequesterSettings settings, String requester, double loss, String primitive, Options o,
                               PrintWriter err)
            throws Exception {
        try (DtaDeployment d = new DtaDeployment(dir, 1, Mode.UDP, 4, "loss", c -> c.withDataPlane(new TranslatorConfig.DataPlane(
                c.dataPlane().postcardCacheEntries(), c.dataPlane().appendTailSlots(), c.dataPlane().batch(), settings)), true);
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(DtaDeployment.TRANSLATOR_ADDRESS, 0));
             Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            byte[] bytes = new byte[64];
            InetSocketAddress to = d.translator().reportAddress();
            d.relay().randomLoss(loss, true);
            long start = System.nanoTime();
            for (int i = 0; i < o.reports(); i++) {
                int length = switch (primitive) {
                    case "key_increment" -> ReportEncoder.keyIncrement(buf, 0, 2, 0, key(i), 1);
                    case "append" -> ReportEncoder.append(buf, 0, 4, i & 3, i + 1);
                    case "key_write" -> ReportEncoder.keyWrite(buf, 0, 1, 0, key(i), new byte[] {0, 0, 0, 7});
                    default -> throw new IllegalArgumentException("primitive must be key_increment, append or key_write, got " + primitive);
                };
                if (i % 1000 == 999) {
                    long[] wt = d.translator().engine().sendWindowAndTimeout(0);
                    err.printf("loss: %d reports sent; send window %d, retransmit timeout %.1f ms, %s%n", i + 1, wt[0], wt[1] / 1e6,
                            requesterCounters(d.translator().status()));
                    err.flush();
                }
                MemorySegment.copy(buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes, 0, length);
                socket.send(new DatagramPacket(bytes, length, to));
                long due = start + (long) (i + 1) * 1_000_000_000L / o.rate();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            d.relay().randomLoss(0, false);
            long deadline = System.nanoTime() + 20_000_000_000L;
            TranslatorStatus.Accounting a = d.translator().status().accounting().get(primitive);
            while ((a.held() != 0 || a.inFlight() != 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                a = d.translator().status().accounting().get(primitive);
            }
            Thread.sleep(200); // late acknowledgements
            TranslatorStatus s = d.translator().status();
            a = s.accounting().get(primitive);
            long accepted = s.reports().accepted().get(primitive);
            long ingress = s.reports().dropped().values().stream().mapToLong(Long::longValue).sum();
            long lost = a.lost().values().stream().mapToLong(Long::longValue).sum() + ingress;
            int dropped = d.relay().randomDrops();
            boolean conserved = accepted + ingress == o.reports() && accepted == a.applied() + a.held() + a.inFlight()
                    + a.lost().values().stream().mapToLong(Long::longValue).sum();
            StringBuilder reasons = new StringBuilder();
            for (Map.Entry<String, Long> e : a.lost().entrySet()) {
                if (e.getValue() != 0) {
                    reasons.append(reasons.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
                }
            }
            err.println("loss: " + requesterCounters(s) + "; " + d.health());
            err.flush();
            if (ingress != 0) {
                reasons.append(reasons.isEmpty() ? "" : ", ").append("ingress (queue pair down) ").append(ingress);
            }
            return String.format("| %s | %.0f %% | %s | %d | %d | %d | %.1f %% | %s | %d | %s | %s |", requester, loss * 100, primitive,
                    o.reports(), dropped, lost, 100.0 * lost / o.reports(), dropped == 0 ? "-" : String.format("%.2f", (double) lost / dropped),
                    a.applied(), reasons.isEmpty() ? "-" : reasons, conserved ? "exact" : "NOT EXACT");
        }
    }

    /** The requester's counters that explain a line (resends, NAKs, queries, window losses), for the progress output. */
    private static String requesterCounters(TranslatorStatus s) {
        StringBuilder b = new StringBuilder("translator");
        for (String name : List.of("requests_sent", "acks", "naks", "retransmitted", "retransmit_timeouts", "psn_queries", "duplicate_acks",
                "go_back_n", "naks_already_resent", "lost_retransmit_window", "qp_timeouts")) {
            b.append(' ').append(name).append(' ').append(s.dataPlane().getOrDefault(name, 0L));
        }
        return b.toString();
    }

    private static byte[] key(int i) {
        byte[] k = new byte[16];
        for (int b = 0; b < 4; b++) {
            k[12 + b] = (byte) (i >>> (24 - 8 * b));
        }
        k[0] = 0x4b;
        return k;
    }
}
