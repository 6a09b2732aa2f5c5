package net.dta.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import net.dta.collector.Collector;
import net.dta.collector.CollectorStartException;
import net.dta.collector.DefaultBackends;
import net.dta.collector.config.ConfigLoader;
import net.dta.collector.status.CollectorStatus;
import net.dta.collector.store.Layouts;
import net.dta.common.cli.Table;
import net.dta.common.config.ConfigException;
import net.dta.common.lifecycle.LifecycleStack;
import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.deployment.Deployment;
import net.dta.deployment.DeploymentLoader;
import net.dta.deployment.StoreSpec;
import net.dta.protocol.Keys;
import net.dta.query.QueryServer;
import net.dta.query.QueryService;
import net.dta.query.QueryServices;
import net.dta.query.source.CollectorSource;
import net.dta.query.source.LocalCollector;
import net.dta.query.source.StatusSource;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import net.dta.reporter.load.KeySpace;
import net.dta.reporter.load.LoadGenerator;
import net.dta.reporter.load.LoadProgress;
import net.dta.reporter.load.LoadSpec;
import net.dta.translator.Translator;
import net.dta.translator.TranslatorStartException;
import net.dta.translator.config.Mode;
import picocli.CommandLine.ExitCode;

/**
 * One run of the demo: starts, in this order and in this process, the collectors, the software
 * translator, the switch controller (which programs the translator over P4Runtime and connects it
 * to every collector through RDMA CM, from the deployment file the demo writes), the query service
 * (gRPC, HTTP, dashboard), then the demo flows and a reporter load; prints a progress line every
 * second until its duration ends or {@link #requestStop} is called (Ctrl-C, SIGTERM); then stops
 * everything in reverse order, leaving the stores and their data in the data directory for the
 * next run.
 */
final class Demo {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final int HEADER_EVERY = 30;

    private final DemoSettings s;
    private final PrintWriter out;
    private final PrintWriter err;
    private final LifecycleStack stack = new LifecycleStack();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object wake = new Object();
    private final List<Collector> collectors = new ArrayList<>();
    private volatile boolean stopRequested;
    private volatile int exitCode = ExitCode.OK;

    private DemoDirectory dir;
    private int run;
    private boolean runBegun;
    private Translator translator;
    private Controller controller;
    private Deployment deployment;
    private QueryServer query;
    private DtaReporter flowReporter;
    private LoadGenerator load;
    private Thread loadThread;
    private long startedNanos;

    /** @param out progress; @param err what went wrong */
    Demo(DemoSettings settings, PrintWriter out, PrintWriter err) {
        this.s = settings;
        this.out = out;
        this.err = err;
    }

    /** Asks the run to stop (any thread; the Ctrl-C and SIGTERM hook). */
    void requestStop() {
        stopRequested = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Waits until {@link #run} has stopped everything; false on time-out. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitCode() {
        return exitCode;
    }

    /** Runs until the duration ends or a stop is requested; returns the exit code. */
    int run() {
        try {
            start();
            if (!stopRequested) {
                loop();
            }
        } catch (DemoException e) {
            out.flush();
            err.println("demo: " + e.getMessage());
            err.flush();
            exitCode = ExitCode.SOFTWARE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.flush();
            err.println("demo: failed: " + e);
            e.printStackTrace(err);
            err.flush();
            exitCode = ExitCode.SOFTWARE;
        } finally {
            stop();
            out.flush();
            finished.countDown();
        }
        return exitCode;
    }

    // ------------------------------------------------------------------ start-up

    private void start() throws DemoException, InterruptedException {
        startedNanos = System.nanoTime();
        out.println("DTA demo: collectors, the software translator, the switch controller, the query service and a reporter load,");
        out.println("all in this process on loopback (" + (s.mode() == Mode.UDP ? "udp mode: no root, no RDMA hardware"
                : "raw mode: ICRCs exact and verified on every packet") + "). Ctrl-C stops it; the data stays for the next run.");
        out.println();
        dir = DemoDirectory.open(s.dataDir(), s.fresh(), s.collectors());
        boolean reused = dir.reused();
        int earlierRuns = dir.runs();
        String cleanStop = dir.lastCleanStop();
        PortCheck.of(s).verify();
        run = earlierRuns + 1;
        out.println("data   " + Text.path(dir.path()) + (reused ? ": reusing the data of " + Text.count(earlierRuns, "earlier run")
                + (cleanStop == null ? " (the last one did not stop cleanly: the stores keep what reached them)"
                        : " (the last one stopped cleanly at " + Text.localTime(cleanStop) + ")")
                : dir.wiped() ? ": wiped (--fresh)" : ": new") + "; this is run " + run);

        startCollectors();
        if (stopRequested) {
            return;
        }
        startTranslator();
        startController();
        if (stopRequested) {
            return;
        }
        EarlierData earlier = startQueryService();
        startReports();
        printReady(earlier);
    }

    /**
     * The demo deployment's RDMA CM secret (docs/security.md): made once in the demo directory, kept
     * across runs (the collectors and the controller read it from there, as separate processes would).
     */
    private void ensureCmSecret() throws DemoException {
        java.nio.file.Path secret = dir.resolve(DemoFiles.CM_SECRET);
        if (java.nio.file.Files.exists(secret)) {
            return;
        }
        try {
            net.dta.protocol.auth.CmSecret.generate(secret);
        } catch (java.io.IOException e) {
            throw new DemoException("cannot write the CM secret " + secret + ": " + e.getMessage(), e);
        }
    }

    private void startCollectors() throws DemoException {
        out.println("[1/5] collectors (" + s.collectors() + ", each with the five stores)");
        ensureCmSecret();
        for (int i = 0; i < s.collectors(); i++) {
            String name = s.collectorName(i);
            String file = DemoFiles.collectorFile(s, i);
            dir.write(file, DemoFiles.collectorYaml(s, i));
            Collector c;
            try {
                c = Collector.start(ConfigLoader.load(dir.resolve(file)), new DefaultBackends());
            } catch (ConfigException e) {
                throw new DemoException(file + " is not valid (a bug of the demo): " + e.getMessage(), e);
            } catch (CollectorStartException e) {
                throw new DemoException("collector " + name + " cannot start: " + e.getMessage() + rawHint(e.getMessage()), e);
            }
            collectors.add(stack.push("collector " + name, c));
            CollectorStatus st = c.status();
            long created = st.stores().stream().filter(CollectorStatus.Store::created).count();
            long bytes = st.stores().stream().mapToLong(CollectorStatus.Store::bytes).sum();
            String stores = created == st.stores().size() ? st.stores().size() + " stores created"
                    : created == 0 ? st.stores().size() + " stores reopened with their data" : st.stores().size() + " stores (" + created + " created)";
            out.println("      " + name + "  " + s.collectorAddress(i) + "  " + stores + " (" + Layouts.bytes(bytes) + ", sparse), RoCEv2 "
                    + st.ingest().mode() + (st.ingest().icrcVerified() ? " (ICRC verified)" : " (ICRC not verified in udp mode)")
                    + ", admin " + adminUrl(c.adminAddress()));
        }
    }

    private String rawHint(String message) {
        if (s.mode() == Mode.RAW && message != null && message.toLowerCase(Locale.ROOT).contains("not permitted")) {
            return "\n  --mode raw opens raw sockets: run as root (or with CAP_NET_RAW), or use the default --mode udp";
        }
        return "";
    }

    private void startTranslator() throws DemoException {
        String file = DemoFiles.translatorFile();
        dir.write(file, DemoFiles.translatorYaml(s));
        try {
            translator = stack.push("translator", Translator.start(net.dta.translator.config.ConfigLoader.load(dir.resolve(file))));
        } catch (ConfigException e) {
            throw new DemoException(file + " is not valid (a bug of the demo): " + e.getMessage(), e);
        } catch (TranslatorStartException e) {
            throw new DemoException("the translator cannot start: " + e.getMessage() + rawHint(e.getMessage()), e);
        }
        InetSocketAddress reports = translator.reportAddress();
        out.println("[2/5] translator " + DemoSettings.TRANSLATOR + "  " + s.translatorAddress() + "  reports udp :" + reports.getPort()
                + ", P4Runtime " + DemoFiles.hostPort(translator.p4runtimeAddress()) + ", " + s.mode().name().toLowerCase(Locale.ROOT)
                + " mode, admin " + adminUrl(translator.adminAddress()));
    }

    private void startController() throws DemoException, InterruptedException {
        List<InetSocketAddress> admins = collectors.stream().map(Collector::adminAddress).toList();
        dir.write(DemoFiles.DEPLOYMENT, DemoFiles.deploymentYaml(s, admins, translator.p4runtimeAddress()));
        Path file = dir.resolve(DemoFiles.DEPLOYMENT);
        try {
            deployment = DeploymentLoader.load(file);
        } catch (ConfigException e) {
            throw new DemoException(DemoFiles.DEPLOYMENT + " is not valid (a bug of the demo): " + e.getMessage(), e);
        }
        try {
            controller = stack.push("controller", Controller.start(deployment));
        } catch (IOException e) {
            throw new DemoException("the controller cannot start: " + e.getMessage(), e);
        }
        out.println("[3/5] controller (deployment " + Text.path(file) + ", admin " + adminUrl(controller.adminAddress()) + ")");
        out.println("      P4Runtime to " + DemoSettings.TRANSLATOR + ": arbitration, pipeline, tables; RDMA CM through it to "
                + String.join(", ", deployment.collectors().stream().map(c -> c.name()).toList())
                + ": REQ/REP/RTU, catalog READ, Append tail recovery");
        long begin = System.nanoTime();
        long deadline = begin + CONNECT_TIMEOUT.toNanos();
        long nextReport = begin + TimeUnit.SECONDS.toNanos(2);
        int stores = deployment.stores().size();
        while (!stopRequested) {
            TranslatorStatus t = controller.status().translators().get(0);
            long up = t.queuePairs().stream().filter(q -> q.state().equals("up")).count();
            long programmed = t.stores().stream().filter(TranslatorStatus.StoreStatus::programmed).count();
            long now = System.nanoTime();
            String progress = "queue pairs " + up + "/" + s.collectors() + " up, " + programmed + "/" + stores + " stores programmed";
            if (up == s.collectors() && programmed == stores) {
                out.println("      " + progress + " (" + String.format(Locale.ROOT, "%.1f s", (now - begin) / 1e9) + ")");
                return;
            }
            if (now > deadline) {
                throw new DemoException("the controller did not connect " + DemoSettings.TRANSLATOR + " to every collector within "
                        + CONNECT_TIMEOUT.toSeconds() + " s: " + progress + "; " + why(t)
                        + "\n  (run with --verbose to see the components' logs)");
            }
            if (now > nextReport) {
                List<String> pending = new ArrayList<>();
                for (TranslatorStatus.QueuePairStatus q : t.queuePairs()) {
                    if (!q.state().equals("up")) {
                        pending.add(q.collector() + " " + q.state() + (q.step() == null || q.step().isEmpty() ? "" : " (" + q.step() + ")"));
                    }
                }
                out.println("      " + progress + "; " + (pending.isEmpty() ? "session " + t.state() : String.join(", ", pending)));
                nextReport = now + TimeUnit.SECONDS.toNanos(5);
            }
            synchronized (wake) {
                if (!stopRequested) {
                    wake.wait(100);
                }
            }
        }
    }

    /** What the controller's status says is missing. */
    private static String why(TranslatorStatus t) {
        List<String> parts = new ArrayList<>();
        parts.add("translator " + t.name() + " " + t.state() + (t.lastError() == null ? "" : " (" + t.lastError() + ")"));
        for (TranslatorStatus.QueuePairStatus q : t.queuePairs()) {
            if (!q.state().equals("up")) {
                parts.add("queue pair to " + q.collector() + " " + q.state() + (q.step() == null ? "" : " at " + q.step())
                        + (q.lastError() == null ? "" : ": " + q.lastError()));
            }
        }
        for (TranslatorStatus.StoreStatus st : t.stores()) {
            if (!st.programmed() && st.error() != null) {
                parts.add("store " + st.name() + ": " + st.error());
            }
        }
        return String.join("; ", parts);
    }

    private EarlierData startQueryService() throws DemoException {
        List<CollectorSource> inProcess = new ArrayList<>();
        for (int i = 0; i < collectors.size(); i++) {
            Collector c = collectors.get(i);
            inProcess.add(LocalCollector.inProcess(s.collectorName(i), c.stores(), StatusSource.inProcess(c::status)));
        }
        try {
            QueryService service = QueryServices.forDeployment(deployment, inProcess, Duration.ofSeconds(1), Duration.ofSeconds(5));
            query = stack.push("query service", QueryServer.start(service, new QueryServer.Options(s.grpc().socketAddress(),
                    s.http().socketAddress(), true, null)));
        } catch (IOException e) {
            throw new DemoException("the query service cannot start: " + e.getMessage(), e);
        }
        out.println("[4/5] query service  gRPC " + DemoFiles.hostPort(query.grpcAddress()) + ", HTTP " + httpBase()
                + " (API, dashboard, metrics)");
        EarlierData earlier = EarlierData.read(query.service());
        if (dir.reused() || earlier.any()) {
            for (String line : ("found " + earlier.describe()).split("\n")) {
                out.println("      " + line);
            }
        }
        return earlier;
    }

    private void startReports() throws DemoException {
        InetSocketAddress to = translator.reportAddress();
        ReporterOptions target = ReporterOptions.parse(s.translatorAddress() + ":" + to.getPort());
        try {
            flowReporter = stack.push("demo flows reporter", DtaReporter.open(target));
        } catch (IOException e) {
            throw new DemoException("cannot open a UDP socket for the demo flows: " + e.getMessage(), e);
        }
        // From here on this run writes into the stores.
        dir.beginRun(run, s.collectors());
        runBegun = true;
        new DemoFlows().sendSecond(flowReporter, run, 0);
        if (s.rate() > 0) {
            LoadSpec spec = LoadSpec.builder(target).rate(s.rate()).count(Long.MAX_VALUE).keys(1 << 20).distribution("zipf:1.1")
                    .lists(DemoStores.LOAD_LISTS).sketch(DemoStores.SKETCH_ROWS, DemoStores.SKETCH_LOG2_COLUMNS, 16)
                    .flowsInFlight(flowsInFlight(s.rate())).threads(s.rate() > 150_000 ? 2 : 1).seed(s.seed() + run).build();
            try {
                load = LoadGenerator.open(spec);
            } catch (IOException e) {
                throw new DemoException("cannot open the load generator's UDP socket: " + e.getMessage(), e);
            }
            LoadGenerator g = load;
            loadThread = new Thread(() -> {
                try {
                    g.run((LoadProgress p) -> { }, Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "dta-demo-load");
            loadThread.setDaemon(true);
            loadThread.start();
            out.println("[5/5] reporter load  " + Text.grouped((long) s.rate()) + " reports/s to " + s.translatorAddress() + ":"
                    + to.getPort() + ", every primitive (" + mixText(spec) + "), 2^20 keys zipf:1.1; and the demo flows");
        } else {
            out.println("[5/5] reporter load  none (--rate 0); only the demo flows");
        }
    }

    /**
     * Postcard flows whose hops the load interleaves: few enough that one flow's successive hops are
     * at most about 2.5 ms apart (a fifth of the reports are postcards), well inside the translator's
     * flush interval, so that generated paths are written whole as the demo flows' are.
     */
    static int flowsInFlight(double rate) {
        return (int) Math.max(1, Math.min(16, rate / 2000));
    }

    /** "kw 40% ki 30% pc 20% ap 5% sk 5%". */
    private static String mixText(LoadSpec spec) {
        List<String> parts = new ArrayList<>();
        for (Primitive p : Primitive.values()) {
            if (spec.uses(p)) {
                parts.add(p.shortName() + " " + Math.round(spec.share(p) * 100) + "%");
            }
        }
        return String.join(" ", parts);
    }

    private void printReady(EarlierData earlier) throws DemoException {
        String http = httpBase();
        out.println();
        out.println("ready (" + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9) + ")");
        out.println("  dashboard   " + http + "/dashboard/");
        out.println("  HTTP API    " + http + "/api/v1/stores   (status: /api/v1/status, Prometheus: /metrics)");
        out.println("  gRPC        " + DemoFiles.hostPort(query.grpcAddress()) + "   (./dta query ...; docs/query.md)");
        out.println();
        out.println("Demo flows, reported every second (docs/demo.md); the stores' keys are spread over the collectors:");
        Table t = new Table("FLOW", "KEY", "PATH (SWITCH IDS)", "DEEPEST QUEUE", "BYTES/S",
                "COLLECTOR");
        StoreSpec paths = deployment.store(DemoStores.PATHS).orElseThrow();
        for (DemoFlows.Flow f : DemoFlows.ALL) {
            t.row(f.name(), f.key(), f.pathText(), f.deepestQueue(), Text.grouped(f.bytesPerSecond()),
                    deployment.collectorForKey(paths, Keys.parse(f.key())).name());
        }
        t.print(out, "  ");
        out.println("  and one event a second in drops list " + DemoStores.DEMO_EVENTS_LIST + ": 0xRRSSSSSS = run RR, second SSSSSS of it");
        out.println();
        String server = s.grpc().equals(DemoMain.DEFAULT_GRPC) ? "" : " --server " + DemoFiles.hostPort(query.grpcAddress());
        String web = "'" + DemoFlows.WEB.key() + "'";
        out.println("Try, in another terminal:");
        out.println("  ./dta query path" + server + " -s paths -k " + web);
        out.println("  ./dta query kw-get" + server + " -s queue-depth -k " + web);
        out.println("  ./dta query counter" + server + " -s flow-bytes -k '" + DemoFlows.BACKUP.key() + "'");
        out.println("  ./dta query counter" + server + " -s heavy-hitters -k '" + DemoFlows.BACKUP.key() + "'");
        out.println("  ./dta query append" + server + " -s drops -l " + DemoStores.DEMO_EVENTS_LIST + "       # the demo's events, oldest first");
        out.println("  ./dta query follow" + server + " -s drops -l " + DemoStores.DEMO_EVENTS_LIST + "       # new ones as they arrive");
        out.println("  ./dta query status" + server);
        out.println("  ./dta query counter" + server + " -s flow-bytes -k '" + Text.fiveTuple(KeySpace.key(0))
                + "'   # the load's hottest key");
        out.println("  curl -G " + http + "/api/v1/stores/paths/path --data-urlencode 'key=" + DemoFlows.WEB.key() + "'");
        out.println("  curl '" + http + "/api/v1/stores/drops/append/" + DemoStores.DEMO_EVENTS_LIST + "?max=5'");
        out.println();
        if (s.readyFile() != null) {
            writeReadyFile(earlier);
        }
        out.println((s.duration() == null ? "running until Ctrl-C" : "running for " + Text.elapsed(s.duration()))
                + "; a line a second (reports sent per primitive, RDMA operations the collectors executed, queue pairs up):");
        out.flush();
    }

    private void writeReadyFile(EarlierData earlier) throws DemoException {
        StringBuilder b = new StringBuilder();
        b.append("pid=").append(ProcessHandle.current().pid()).append('\n');
        b.append("run=").append(run).append('\n');
        b.append("data-dir=").append(dir.path().toAbsolutePath()).append('\n');
        b.append("grpc=").append(DemoFiles.hostPort(query.grpcAddress())).append('\n');
        b.append("http=").append(DemoFiles.hostPort(query.httpAddress())).append('\n');
        b.append("dashboard=").append(httpBase()).append("/dashboard/\n");
        b.append("reports=").append(s.translatorAddress()).append(':').append(translator.reportAddress().getPort()).append('\n');
        b.append("p4runtime=").append(DemoFiles.hostPort(translator.p4runtimeAddress())).append('\n');
        b.append("translator-admin=").append(DemoFiles.hostPort(translator.adminAddress())).append('\n');
        b.append("controller-admin=").append(DemoFiles.hostPort(controller.adminAddress())).append('\n');
        for (int i = 0; i < collectors.size(); i++) {
            b.append(s.collectorName(i)).append("-admin=").append(DemoFiles.hostPort(collectors.get(i).adminAddress())).append('\n');
        }
        b.append("earlier-events=").append(earlier.events()).append('\n');
        b.append("earlier-events-next-position=").append(earlier.nextPosition()).append('\n');
        b.append("earlier-web-hops=").append(earlier.webHops()).append('\n');
        b.append("earlier-web-queue=").append(earlier.webQueue()).append('\n');
        b.append("earlier-web-bytes=").append(earlier.webBytes()).append('\n');
        Path file = s.readyFile().toAbsolutePath();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            java.nio.file.Files.writeString(temp, b.toString());
            java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DemoException("--ready-file " + s.readyFile() + ": cannot write it (" + e.getMessage() + ")", e);
        }
    }

    private String httpBase() {
        return "http://" + DemoFiles.hostPort(query.httpAddress());
    }

    private static String adminUrl(InetSocketAddress a) {
        return a == null ? "off" : "http://" + DemoFiles.hostPort(a) + "/status";
    }

    // ------------------------------------------------------------------ running

    private void loop() throws InterruptedException {
        ProgressLine progress = new ProgressLine(collectors, translator, controller, load, flowReporter);
        DemoFlows flows = new DemoFlows();
        long begin = System.nanoTime();
        long end = s.duration() == null ? Long.MAX_VALUE : begin + s.duration().toNanos();
        long second = 0;
        while (!stopRequested) {
            long due = begin + TimeUnit.SECONDS.toNanos(second + 1);
            long now = System.nanoTime();
            synchronized (wake) {
                while (!stopRequested && now < Math.min(due, end)) {
                    TimeUnit.NANOSECONDS.timedWait(wake, Math.min(due, end) - now);
                    now = System.nanoTime();
                }
            }
            if (stopRequested || now >= end) {
                break;
            }
            second++;
            flows.sendSecond(flowReporter, run, second);
            if ((second - 1) % HEADER_EVERY == 0) {
                if (second > 1) {
                    out.println("  dashboard " + httpBase() + "/dashboard/  ·  Ctrl-C stops (the data stays in "
                            + Text.path(dir.path()) + ")");
                }
                out.println(ProgressLine.header());
            }
            out.println(progress.next());
            out.flush();
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Stops what runs, newest first; the stores keep their data. Safe whatever start() reached. */
    private void stop() {
        boolean started = !collectors.isEmpty();
        if (started) {
            out.println();
            List<String> parts = new ArrayList<>();
            if (load != null) {
                parts.add("reporter load");
            }
            parts.addAll(stack.names().reversed());
            out.println("stopping: " + String.join(", ", parts));
        }
        if (load != null) {
            load.stop();
            try {
                loadThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long sent = (load == null ? 0 : load.sent()) + (flowReporter == null ? 0 : flowReporter.counters().sent());
        if (load != null) {
            load.close();
        }
        if (flowReporter != null) {
            // Postcard rows and Append batches the translator holds are written after 1 ms idle.
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stack.close();
        if (dir != null) {
            try {
                if (runBegun && exitCode == ExitCode.OK) {
                    dir.endRun();
                }
            } catch (DemoException e) {
                err.println("demo: " + e.getMessage());
                exitCode = ExitCode.SOFTWARE;
            }
            dir.close();
        }
        if (started) {
            out.println((exitCode == ExitCode.OK ? "stopped cleanly" : "stopped") + " after "
                    + Text.elapsed(Duration.ofNanos(System.nanoTime() - startedNanos)) + ": " + Text.grouped(sent)
                    + " reports sent in run " + run + "; the data stays in " + Text.path(dir.path()));
            out.println("(./dta demo again reuses it; --fresh starts over)");
        }
        out.flush();
        err.flush();
    }
}
