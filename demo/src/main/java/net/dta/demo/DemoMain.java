package net.dta.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import net.dta.collector.state.CollectorState;
import net.dta.packetio.LinkLayerChannels;
import net.dta.common.cli.CliRunner;
import net.dta.common.config.HostPort;
import net.dta.reporter.cli.Numbers;
import net.dta.translator.config.Mode;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dta demo}: the whole system on loopback in one process (see {@link Demo} and
 * docs/demo.md). {@link #main} only calls {@link #doMain} and exits with its code.
 *
 * <p>Exit codes: 0 success (the duration ended, or Ctrl-C/SIGTERM stopped it cleanly), 1 failure
 * (a port in use, a data directory that cannot be used, a component that cannot start), 2 wrong
 * usage (the message names the option).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = DemoMain.Version.class, sortOptions = false,
        usageHelpWidth = 110,
        description = {"Run DTA on this machine, no root and no special hardware needed: in one process, on loopback addresses,",
                "collectors (each with a Key-Write, Key-Increment, Postcard, Append and Sketch store), the software translator,",
                "the switch controller (programming the translator over P4Runtime and connecting it to the collectors through",
                "RDMA CM), the query service (gRPC, HTTP/JSON, dashboard) and a reporter load with every primitive, plus three",
                "fixed demo flows to query by hand. Prints what to try, then a progress line a second until Ctrl-C or --duration.",
                "The stores live in the data directory: the next run reuses them and the earlier data stays queryable.", ""},
        footer = {"", "Addresses: translator NET.10 (reports udp :40040, P4Runtime :9559), collectors NET.21, NET.22, ... (RoCEv2 :4791).",
                "Documentation: docs/demo.md"})
public final class DemoMain implements Callable<Integer> {
    static final HostPort DEFAULT_GRPC = new HostPort("127.0.0.1", 40045);
    private static final Pattern NET = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})");

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the stores and the configuration files live "
            + "(default: .dta/demo in the repository). Reused by the next run.")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete what earlier runs left in the data directory first.")
    boolean fresh;

    @Option(names = "--duration", paramLabel = "D", description = "Stop after this long (30s, 5m, 1h); default: run until Ctrl-C or SIGTERM.")
    String duration;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "20k",
            description = "Generated reports per second, every primitive (default ${DEFAULT-VALUE}; 0: only the demo flows).")
    String rate;

    @Option(names = "--collectors", paramLabel = "N", defaultValue = "2",
            description = "Collectors, 1..8 (default ${DEFAULT-VALUE}: keys spread over two). A data directory keeps its count.")
    int collectors;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "udp",
            description = "udp (default: no root; ICRCs not verified) or raw (root or CAP_NET_RAW: exact ICRCs, verified on every packet).")
    String mode;

    @Option(names = "--net", paramLabel = "NET", defaultValue = "127.0.0",
            description = "First three bytes of the demo's loopback addresses (default ${DEFAULT-VALUE}: translator 127.0.0.10, "
                    + "collectors 127.0.0.21, ...). Another value runs a second demo next to the first.")
    String net;

    @Option(names = "--p4runtime-port", paramLabel = "PORT", defaultValue = "9559",
            description = "The translator's P4Runtime port on its address (default ${DEFAULT-VALUE}; 0: any free port).")
    int p4runtimePort;

    @Option(names = "--report-port", paramLabel = "PORT", defaultValue = "40040",
            description = "UDP port of DTA reports on the translator's address (default ${DEFAULT-VALUE}).")
    int reportPort;

    @Option(names = "--grpc", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40045",
            description = "Query service gRPC (default ${DEFAULT-VALUE}, where ./dta query asks; port 0: any free port).")
    String grpc;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40046",
            description = "Query service HTTP/JSON API, dashboard and metrics (default ${DEFAULT-VALUE}).")
    String http;

    @Option(names = "--controller-admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40044",
            description = "Controller /status and /metrics (default ${DEFAULT-VALUE}, where ./dta controller status asks).")
    String controllerAdmin;

    @Option(names = "--translator-admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40043",
            description = "Translator /status and /metrics (default ${DEFAULT-VALUE}, where ./dta translator status asks).")
    String translatorAdmin;

    @Option(names = "--collector-admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40042",
            description = "First collector's /status and /metrics (default ${DEFAULT-VALUE}); collector i: port + 10 i.")
    String collectorAdmin;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Once ready, write pid, run number and the bound addresses to FILE (for scripts and tests).")
    Path readyFile;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed of the generated load (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-v", "--verbose"}, description = "Show the components' logs at INFO (default: warnings and errors only).")
    boolean verbose;

    public static void main(String[] args) {
        // Before the first logger: the collector, translator and controller jars each ship a logback.xml.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "net/dta/demo/logback.xml");
        }
        CollectorState.initialiseBeforeSignals();
        System.exit(doMain(args));
    }

    public static int doMain(String... args) {
        return doMain(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the demo with the given output streams; returns the exit code. */
    public static int doMain(PrintWriter out, PrintWriter err, String... args) {
        return CliRunner.execute(new DemoMain(), "demo", ExitCode.SOFTWARE, out, err, args);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DemoSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            err.println("(./dta demo --help lists the options)");
            return ExitCode.USAGE;
        }
        if (verbose && System.getProperty("dta.log.level") == null) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        }
        Demo demo = new Demo(settings, out, err);
        // Ctrl-C and SIGTERM: stop everything in order, then exit 0 (a stop asked for that completed
        // cleanly is a success, not the JVM's 128+signal).
        Thread hook = new Thread(() -> {
            demo.requestStop();
            int code;
            try {
                code = demo.awaitFinished(Duration.ofSeconds(30)) ? demo.exitCode() : ExitCode.SOFTWARE;
            } catch (InterruptedException e) {
                code = ExitCode.SOFTWARE;
            }
            out.flush();
            err.flush();
            Runtime.getRuntime().halt(code);
        }, "dta-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = demo.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down (a signal): the hook exits with the code
        }
        return code;
    }

    /** The options, validated; IllegalArgumentException names the bad one. */
    DemoSettings settings() {
        Path dir = dataDir != null ? dataDir : defaultDataDir();
        Duration d = null;
        if (duration != null) {
            d = Numbers.duration(duration, "--duration");
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("--duration: must be positive, got " + duration);
            }
        }
        double r = Numbers.amount(rate, "--rate");
        if (collectors < 1 || collectors > 8) {
            throw new IllegalArgumentException("--collectors: must be 1..8, got " + collectors);
        }
        Mode m = switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "udp" -> Mode.UDP;
            case "raw" -> Mode.RAW;
            case "xdp" -> throw new IllegalArgumentException("--mode xdp: the demo runs on loopback; "
                    + LinkLayerChannels.NOT_ON_LOOPBACK);
            default -> throw new IllegalArgumentException("--mode: udp or raw, got \"" + mode + "\"");
        };
        var nm = NET.matcher(net.strip());
        if (!nm.matches() || Integer.parseInt(nm.group(1)) > 255 || Integer.parseInt(nm.group(2)) > 255) {
            throw new IllegalArgumentException("--net: the first three bytes of a loopback address, like 127.0.0 or 127.0.1, got \""
                    + net + "\"");
        }
        if (p4runtimePort < 0 || p4runtimePort > 65535) {
            throw new IllegalArgumentException("--p4runtime-port: must be 0..65535, got " + p4runtimePort);
        }
        if (reportPort < 1 || reportPort > 65535) {
            throw new IllegalArgumentException("--report-port: must be 1..65535, got " + reportPort);
        }
        return new DemoSettings(dir, fresh, d, r, collectors, m, net.strip(), p4runtimePort, reportPort, hostPort(grpc, "--grpc"),
                hostPort(http, "--http"), hostPort(controllerAdmin, "--controller-admin"),
                hostPort(translatorAdmin, "--translator-admin"), hostPort(collectorAdmin, "--collector-admin"), readyFile, seed);
    }

    private static HostPort hostPort(String text, String option) {
        HostPort h = HostPort.parse(text.strip());
        if (h == null) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT like 127.0.0.1:40046, got \"" + text + "\"");
        }
        return h;
    }

    /** .dta/demo in the repository (the launcher and the build name it in dta.repo.root), else in the working directory. */
    static Path defaultDataDir() {
        String root = System.getProperty("dta.repo.root");
        return (root == null || root.isBlank() ? Path.of("") : Path.of(root)).resolve(".dta").resolve("demo");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DemoMain.class.getPackage().getImplementationVersion();
            return new String[] {"DTA demo " + (v == null ? "(development build)" : v)};
        }
    }
}
