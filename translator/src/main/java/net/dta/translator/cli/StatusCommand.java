package net.dta.translator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import net.dta.common.admin.StatusOptions;
import net.dta.common.cli.Table;
import net.dta.common.config.ConfigFiles;
import net.dta.translator.config.ConfigLoader;
import net.dta.translator.config.TranslatorConfig;
import net.dta.common.status.StatusJson;
import net.dta.translator.status.TranslatorStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code translator status}: asks a running translator's admin endpoint and prints it. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running translator's status: mode, P4Runtime clients, reports, drops and queue pairs.",
        footer = {"", "Default admin address: 127.0.0.1:" + TranslatorConfig.DEFAULT_ADMIN_PORT + " (admin.address of the configuration)."})
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    StatusOptions options;

    @Override
    public Integer call() {
        return options.query("127.0.0.1:" + TranslatorConfig.DEFAULT_ADMIN_PORT, StatusCommand::adminAddress,
                body -> StatusJson.read(body, TranslatorStatus.class), StatusCommand::print);
    }

    /** The admin address of a configuration file; null (reported) when it cannot be read or disables it. */
    private static String adminAddress(Path config, PrintWriter err) {
        TranslatorConfig cfg = ConfigFiles.loadOrReport(config, ConfigLoader::load, err);
        if (cfg == null) {
            return null;
        }
        if (!cfg.admin().enabled()) {
            err.println("translator: " + config + " disables the admin endpoint (admin.enabled: false)");
            return null;
        }
        return cfg.admin().address();
    }

    static void print(PrintWriter out, TranslatorStatus s) {
        TranslatorStatus.Network n = s.network();
        out.println("translator " + s.translator() + "  device " + s.deviceId() + "  up " + Duration.ofMillis(s.uptimeMillis()).toSeconds()
                + " s" + (s.failure() == null ? "" : "  DATA PLANE STOPPED: " + s.failure()));
        out.println("network    " + n.mode() + " mode on " + n.address() + ", reports on "
                + (n.reportAddress() == null ? n.address() : n.reportAddress()) + ":" + n.reportPort() + "; ICRC " + n.icrc());
        out.println("sockets    reports: " + n.reportSocket() + "; RoCEv2: " + n.roceSocket());
        TranslatorStatus.P4Runtime p = s.p4runtime();
        out.println("p4runtime  " + p.address() + ", pipeline " + (p.pipelineSet() ? "set (cookie " + p.cookie() + ")" : "NOT set")
                + ", " + p.clients() + " client(s), primary " + (p.primary() == null ? "none" : "election id " + p.primary()));
        out.println("tables     " + s.tables().stores() + " stores, " + s.tables().collectorSelect() + " bucket entries, "
                + s.tables().queuePairs() + " queue pairs, " + s.tables().regions() + " regions, " + s.tables().localAddresses()
                + " local addresses, " + s.tables().routes() + " routes; AckReq every 2^" + s.settings().ackIntervalLog2()
                + ", flush " + s.settings().flushIntervalMicros() + " us, probes " + s.settings().probeIntervalMillis() + " ms");
        out.println("reports    accepted " + counts(s.reports().accepted()) + "; dropped " + counts(s.reports().dropped()));
        out.println("kernel     dropped " + known(s.sockets().reportKernelDrops()) + " report datagram(s) and "
                + known(s.sockets().roceKernelDrops()) + " RoCEv2 packet(s): socket receive buffer full");
        TranslatorStatus.IntIngest in = s.intIngest();
        if (in != null) {
            out.println("int        port " + in.port() + ": " + in.datagrams() + " datagrams, " + in.reports() + " reports, "
                    + in.converted() + " DTA reports made; not converted " + counts(in.dropped()) + "; notes " + counts(in.notes()));
        }
        out.println("held       " + s.held().postcardFlows() + " postcard flows, " + s.held().appendBatches() + " Append batches");
        if (s.requester() != null) {
            out.println("requester  " + (s.requester().retransmit() ? "retransmitting (go-back-N), window " + s.requester().window()
                    + ", timeout " + s.requester().timeoutMicros() + " us" : "switch (rewind at a NAK, no retransmission), window "
                    + s.requester().window()));
        }
        out.println("dataplane  " + counts(s.dataPlane()));
        if (s.accounting() != null) {
            out.println();
            Table a = new Table("PRIMITIVE", "ACCEPTED", "APPLIED", "HELD", "IN FLIGHT", "LOST");
            s.accounting().forEach((primitive, x) -> a.row(primitive, x.accepted(), x.applied(), x.held(), x.inFlight(),
                    counts(x.lost())));
            a.print(out, "");
        }
        out.println();
        Table t = new Table("COLLECTOR", "QPN", "ADDRESS", "REMOTE QPN", "ROUTE", "UP", "NEXT PSN", "ACKED", "SENT", "ACKS", "NAKS",
                "RESYNCS", "LOST", "PROBES", "WINDOW", "RTO");
        for (TranslatorStatus.QueuePair q : s.queuePairs()) {
            t.row(q.collector(), StatusOptions.shown(q.localQpn()), q.collectorIp(), StatusOptions.shown(q.remoteQpn()), q.route(),
                    q.up() ? "up" : "DOWN", StatusOptions.shown(q.nextPsn()), StatusOptions.shown(q.lastAckedPsn()), q.sent(), q.acks(), counts(q.naks()), q.resyncs(), q.lostPackets(), q.probes(),
                    q.sendWindow() < 0 ? "-" : q.sendWindow(), q.sendWindow() < 0 ? "-" : rto(q.retransmitTimeoutMicros()));
        }
        if (t.isEmpty()) {
            out.println("no queue pairs (the controller has not connected any collector)");
        } else {
            t.print(out, "");
        }
    }

    private static String rto(long micros) {
        return micros >= 10_000 ? micros / 1_000 + " ms" : String.format(java.util.Locale.ROOT, "%.1f ms", micros / 1_000.0);
    }

    private static String counts(Map<String, Long> m) {
        String s = m.entrySet().stream().filter(x -> x.getValue() != 0).map(x -> x.getKey() + "=" + x.getValue())
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "-" : s;
    }

    private static String known(long count) {
        return count < 0 ? "?" : Long.toString(count);
    }
}
