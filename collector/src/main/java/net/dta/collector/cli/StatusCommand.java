package net.dta.collector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;
import net.dta.collector.status.CollectorStatus;
import net.dta.common.status.StatusJson;
import net.dta.collector.store.Layouts;
import net.dta.common.admin.StatusOptions;
import net.dta.common.cli.Table;
import net.dta.common.config.ConfigFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code collector status}: asks a running collector's admin endpoint and prints it. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running collector's status: ingest path, queue pairs, stores and endpoint counters.",
        footer = {"", "Default admin address: 127.0.0.1:" + CollectorConfig.DEFAULT_ADMIN_PORT + " (admin.address of the configuration)."})
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    StatusOptions options;

    @Override
    public Integer call() {
        return options.query("127.0.0.1:" + CollectorConfig.DEFAULT_ADMIN_PORT, StatusCommand::adminAddress,
                body -> StatusJson.read(body, CollectorStatus.class), StatusCommand::print);
    }

    /** The admin address of a configuration file; null (reported) when it cannot be read or disables it. */
    private static String adminAddress(Path config, PrintWriter err) {
        CollectorConfig cfg = ConfigFiles.loadOrReport(config, ConfigLoader::load, err);
        if (cfg == null) {
            return null;
        }
        if (!cfg.admin().enabled()) {
            err.println("collector: " + config + " disables the admin endpoint (admin.enabled: false)");
            return null;
        }
        return cfg.admin().address();
    }

    static void print(PrintWriter out, CollectorStatus s) {
        CollectorStatus.Ingest in = s.ingest();
        out.println("collector " + s.collector() + "  boot id " + s.bootId() + "  up " + Duration.ofMillis(s.uptimeMillis()).toSeconds() + " s");
        out.println("ingest     " + in.mode() + " on " + in.address() + ":" + in.rocePort() + " (" + in.description() + "), ICRC "
                + (in.icrcVerified() ? "verified" : "NOT verified") + ", error-on-nak " + in.errorOnNak());
        if (in.threads() > 0) {
            out.println("threads    " + in.threads() + " data-plane threads, packets per thread " + in.packetsPerThread());
        }
        out.println("catalog    generation " + s.catalog().generation() + ", " + s.catalog().storeCount() + " stores, va "
                + StatusOptions.shown(s.catalog().va()) + " rkey " + StatusOptions.shown(s.catalog().rkey()));
        CollectorStatus.Connections c = s.connections();
        out.println("connects   " + c.requests() + " requests, " + c.established() + " established, " + c.closed() + " closed"
                + (c.plainClients() > 0 ? ", " + c.plainClients() + " without DTA data" : ""));
        CollectorStatus.Endpoint e = s.endpoint();
        out.println("endpoint   " + e.packetsReceived() + " packets (" + Layouts.bytes(e.bytesReceived()) + ") in, " + e.packetsSent()
                + " out, " + e.icrcFailures() + " ICRC failures, " + e.unknownQps() + " to unknown QPs"
                + ", drops: " + counts(e.drops()));
        CollectorStatus.Persistence p = s.persistence();
        out.println("state      " + p.stateFile() + (p.recoveredAfterCrash() ? " (recovered after an unclean exit)" : "")
                + ", " + p.saves() + " saves" + (p.saveFailures() > 0 ? ", " + p.saveFailures() + " FAILED" : "")
                + (p.lastSaveMillis() > 0 ? ", last " + Instant.ofEpochMilli(p.lastSaveMillis()) : ""));
        out.println();
        Table qp = new Table("ID", "QPN", "REMOTE", "REMOTE QPN", "STATE", "NEXT PSN", "PACKETS", "BYTES", "WRITES", "ATOMICS", "READS",
                "PSN GAPS", "DUPS", "NAKS", "DROPS");
        for (CollectorStatus.QueuePair q : s.queuePairs()) {
            qp.row(q.id(), hex(q.qpn()), q.remote(), hex(q.remoteQpn()), q.state(), hex(q.expectedPsn()), q.packets(), q.bytes(), q.writes(),
                    q.atomics(), q.reads(), q.psnGaps(), q.duplicates(), counts(q.naks()), counts(q.drops()));
        }
        if (qp.isEmpty()) {
            out.println("no queue pairs (no translator connected)");
        } else {
            qp.print(out, "");
        }
        out.println();
        Table st = new Table("STORE", "ID", "KIND", "LAYOUT", "SIZE", "WRITES", "ATOMICS", "READS", "ACCESS ERRORS", "FILE");
        for (CollectorStatus.Store x : s.stores()) {
            st.row(x.name(), x.id(), x.kind(), x.layout(), Layouts.bytes(x.bytes()), x.writes(), x.atomics(), x.reads(), x.accessErrors(),
                    x.file());
        }
        st.print(out, "");
    }

    private static String hex(Integer v) {
        return v == null ? StatusOptions.shown(null) : "0x" + Integer.toHexString(v);
    }

    /** Non-zero counts as {@code reason=n,...} ("-" when none); --json shows every reason. */
    private static String counts(Map<String, Long> m) {
        String s = m.entrySet().stream().filter(x -> x.getValue() != 0).map(x -> x.getKey() + "=" + x.getValue())
                .collect(Collectors.joining(","));
        return s.isEmpty() ? "-" : s;
    }
}
