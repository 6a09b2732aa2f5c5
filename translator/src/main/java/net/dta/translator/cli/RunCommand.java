package net.dta.translator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import net.dta.common.config.ConfigFiles;
import net.dta.protocol.Addresses;
import net.dta.translator.Translator;
import net.dta.translator.TranslatorStartException;
import net.dta.translator.config.ConfigLoader;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code translator run --config FILE}: the translator, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the software translator until SIGTERM or Ctrl-C.",
                "Receives DTA reports, emits RoCEv2 to the collectors its controller programmed through P4Runtime,",
                "and serves /status and /metrics. Without --config every default applies (docs/translator.md)."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The translator configuration (YAML).")
    Path config;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Once running, write pid, p4runtime, reports and admin addresses to FILE (for scripts and tests).")
    Path readyFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TranslatorConfig cfg = config == null ? TranslatorConfig.defaults() : ConfigFiles.loadOrReport(config, ConfigLoader::load, err);
        if (cfg == null) {
            return ExitCode.SOFTWARE;
        }
        Translator translator;
        try {
            translator = Translator.start(cfg);
        } catch (TranslatorStartException e) {
            err.println("translator: cannot start: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            translator.close();
            stopped.countDown();
            out.println("stopped cleanly");
            out.flush();
            err.flush();
            // A stop that was asked for (SIGTERM, Ctrl-C) and completed cleanly is a success.
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "dta-shutdown"));
        describe(out, cfg);
        out.println("  listening  P4Runtime " + addr(translator.p4runtimeAddress()) + ", reports " + addr(translator.reportAddress())
                + ", admin " + (translator.adminAddress() == null ? "disabled" : "http://" + addr(translator.adminAddress())
                + "/status and /metrics"));
        if (readyFile != null) {
            String text = "pid=" + ProcessHandle.current().pid() + "\n"
                    + "p4runtime=" + addr(translator.p4runtimeAddress()) + "\n"
                    + "reports=" + addr(translator.reportAddress()) + "\n"
                    + "admin=" + (translator.adminAddress() == null ? "" : addr(translator.adminAddress())) + "\n";
            Path temp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        out.println("running; waiting for a controller (SetForwardingPipelineConfig, then tables); stop with Ctrl-C or SIGTERM");
        out.flush();
        stopped.await();
        return ExitCode.OK;
    }

    static String addr(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    static void describe(PrintWriter out, TranslatorConfig c) {
        TranslatorConfig.Network n = c.network();
        out.println("translator " + c.name() + " (P4Runtime device id " + c.deviceId() + ")"
                + (c.source() == null ? "" : ", configuration " + c.source()));
        out.println("  P4Runtime  " + c.p4runtime().address());
        out.println("  network    " + n.address().getHostAddress() + " (MAC " + Addresses.formatMac(n.mac()) + "): reports on "
                + n.reportAddress().getHostAddress() + ":" + n.reportPort() + ", RoCEv2 on 4791, " + n.mode().configName() + " mode");
        out.println("  ICRC       " + (n.mode() == Mode.RAW
                ? "exact (raw IPv4 socket, IP_HDRINCL); replies' ICRCs verified"
                : n.mode() == Mode.XDP
                ? "exact (AF_XDP / AF_PACKET ring: the translator writes whole frames); replies' ICRCs verified"
                : "computed for the IPv4 header Linux sends from a UDP socket: right on Linux, NOT guaranteed; replies' ICRCs "
                        + "not verified (network.mode: raw for exact ICRCs)"));
        out.println("  dataplane  postcard cache " + c.dataPlane().postcardCacheEntries() + " entries, " + c.dataPlane().appendTailSlots()
                + " Append tail slots, batches of " + c.dataPlane().batch());
        var rq = c.dataPlane().requester();
        out.println("  requester  " + (rq.retransmit() ? "retransmitting (go-back-N), window " + rq.window() + ", timeout "
                + rq.timeoutNanos() / 1000 + " us" : "switch (no retransmission: rewind at a NAK), window " + rq.window()));
        var i = c.intIngest();
        out.println("  int        " + (!i.enabled() ? "off (int.enabled: false)"
                : "Telemetry Report v2.0 on UDP port " + i.port() + " (INT over UDP port " + i.intUdpPort() + "): paths -> "
                        + store(i.postcards().store()) + " (" + i.postcards().value().configName() + "), flow "
                        + (i.flows().bytes() ? "bytes" : "packets") + " -> " + store(i.flows().store()) + ", drops -> "
                        + store(i.drops().store()) + " list " + i.drops().list() + ", queue depths -> " + store(i.queues().store())
                        + " (docs/int.md)"));
        out.println("  admin      " + (c.admin().enabled() ? c.admin().address() : "disabled"));
    }

    private static String store(int id) {
        return id == 0 ? "unmapped" : "store " + id;
    }
}
