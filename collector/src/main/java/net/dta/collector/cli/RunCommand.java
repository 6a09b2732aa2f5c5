package net.dta.collector.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import net.dta.collector.Collector;
import net.dta.collector.CollectorStartException;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.ConfigLoader;
import net.dta.collector.status.CollectorStatus;
import net.dta.collector.store.Layouts;
import net.dta.common.cli.Table;
import net.dta.common.config.ConfigFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code collector run --config FILE}: the daemon, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the collector daemon until SIGTERM or Ctrl-C.",
                "Opens (or creates) the stores, registers them for RDMA, answers RDMA CM connections and serves",
                "/status and /metrics; on SIGTERM or Ctrl-C saves queue-pair states and stops cleanly."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The collector configuration (YAML).")
    Path config;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Once running, write pid, boot id and admin address to FILE (for supervisors and scripts).")
    Path readyFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CollectorConfig cfg = ConfigFiles.loadOrReport(config, ConfigLoader::load, err);
        if (cfg == null) {
            return ExitCode.SOFTWARE;
        }
        Collector collector;
        try {
            collector = Collector.start(cfg, new DefaultBackends());
        } catch (CollectorStartException e) {
            err.println("collector: cannot start: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
            out.println("stopped cleanly");
            out.flush();
            err.flush();
            // A stop asked for (SIGTERM, Ctrl-C) that completed cleanly is a success: exit 0, not the
            // JVM's 128+signal, so supervisors and scripts can tell it from a failure.
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "dta-shutdown"));
        printSummary(out, collector.status());
        if (readyFile != null) {
            writeReadyFile(collector);
        }
        out.println("running; stop with Ctrl-C or SIGTERM");
        out.flush();
        stopped.await();
        return ExitCode.OK;
    }

    private void writeReadyFile(Collector collector) throws IOException {
        InetSocketAddress admin = collector.adminAddress();
        String text = "pid=" + ProcessHandle.current().pid() + "\n"
                + "boot-id=" + collector.status().bootId() + "\n"
                + "admin=" + (admin == null ? "" : admin.getHostString() + ":" + admin.getPort()) + "\n";
        Path temp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void printSummary(PrintWriter out, CollectorStatus s) {
        CollectorStatus.Ingest in = s.ingest();
        out.println("collector " + s.collector() + " (boot id " + s.bootId() + ")");
        out.println("  RoCEv2     " + in.address() + ":" + in.rocePort() + " udp, ingest " + in.mode() + " (" + in.description() + ")");
        out.println("  ICRC       " + (in.icrcVerified() ? "verified on every packet"
                : "NOT verified (a UDP socket cannot see the IP header; use ingest: raw to verify)"));
        out.println("  RDMA CM    " + in.address() + ":" + in.rocePort() + ", service port " + in.cmPort() + ", path MTU " + in.pathMtu());
        out.println("  admin      " + (s.admin().address().equals("disabled") ? "disabled"
                : "http://" + s.admin().address() + "/status and /metrics"));
        out.println("  data       " + s.dataDir());
        out.println("  catalog    generation " + s.catalog().generation() + ", " + s.catalog().storeCount() + " stores, va "
                + s.catalog().va() + " rkey " + s.catalog().rkey() + " length " + s.catalog().length());
        if (s.persistence().queuePairsRestored() > 0) {
            out.println("  restored   " + s.persistence().queuePairsRestored() + " queue pair(s) from the previous run");
        }
        Table t = new Table("STORE", "ID", "KIND", "LAYOUT", "SIZE", "VA", "RKEYS", "FILE");
        for (CollectorStatus.Store st : s.stores()) {
            t.row(st.name(), st.id(), st.kind(), st.layout(), Layouts.bytes(st.bytes()), st.va(), String.join(",", st.rkeys()),
                    (st.created() ? "created " : "") + st.file());
        }
        t.print(out, "  ");
    }
}
