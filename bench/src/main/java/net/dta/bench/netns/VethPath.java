package net.dta.bench.netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import net.dta.packetio.Ipv4;

/**
 * The packet path of DTA on one machine, as a NIC-like path rather than loopback: three network
 * namespaces joined by veth pairs, made by {@link #create} and deleted by {@link #close} (and by a
 * shutdown hook on Ctrl-C):
 *
 * <pre>
 *   reporter ns             translator ns                          collector ns
 *   r0 10.77.1.1/24 --veth-- t0 10.77.1.2/24
 *                            t1 10.77.2.1/24 (+ .11-.14) --veth-- c0 10.77.2.2/24 (+ .3-.5)
 * </pre>
 *
 * The reporter reaches 10.77.2.0/24 through the translator's t0 (the translator's own address,
 * 10.77.2.1, is local there: reports to it are received, not forwarded); the collector reaches
 * 10.77.1.0/24 through t1. Every neighbour is static (no ARP on the measured path), each namespace
 * has its loopback up. The names carry the process id and a random tag, so runs at once (a
 * benchmark and CI's test) do not collide; the addresses are private to the namespaces.
 *
 * <p>Code runs in a namespace on a thread that entered it with setns(2) ({@link #call}, {@link #thread}):
 * components started from such a thread open their sockets there and start their own threads there.
 * Needs root (CAP_SYS_ADMIN for namespaces and setns) and iproute2's {@code ip}; {@link #unavailable}
 * says why not when it cannot run.
 */
public final class VethPath implements AutoCloseable {
    /** The three roles, each one namespace. */
    public enum Role {
        REPORTER, TRANSLATOR, COLLECTOR
    }

    public static final int REPORTER_ADDRESS = Ipv4.parse("10.77.1.1");
    /** The translator's address (reports in, RoCEv2 out): on its collector-side veth, reached by the reporter through t0. */
    public static final int TRANSLATOR_ADDRESS = Ipv4.parse("10.77.2.1");
    /** The translator's address on its reporter-side veth t0 (xdp mode's network.report-address: reports arrive on t0). */
    public static final int TRANSLATOR_REPORT_SIDE = Ipv4.parse("10.77.1.2");
    /** Extra sender addresses in the translator namespace (load generators acting as translator queue pairs). */
    public static final int SENDER_ADDRESSES = 4;
    private static final int FIRST_SENDER = Ipv4.parse("10.77.2.11");
    /** Collector addresses in the collector namespace: collector i at 10.77.2.(2+i). */
    public static final int COLLECTOR_ADDRESSES = 4;
    private static final int FIRST_COLLECTOR = Ipv4.parse("10.77.2.2");
    private static final long TIMEOUT_SECONDS = 30;

    private final String tag;
    private final Thread cleanup;
    /** One parked thread per namespace: its {@code /proc/self/task/<tid>/net} shows that namespace's socket tables. */
    private final java.util.Map<Role, Thread> anchors = new java.util.EnumMap<>(Role.class);
    private final java.util.Map<Role, Path> procNet = new java.util.EnumMap<>(Role.class);
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private boolean closed;

    private VethPath(String tag) {
        this.tag = tag;
        this.cleanup = new Thread(this::deleteQuietly, "dta-netns-cleanup-" + tag);
    }

    /** Why the path cannot be made here (not root, no {@code ip}), or null when it can. */
    public static String unavailable() {
        if (!isRoot()) {
            return "network namespaces and setns(2) need root (CAP_SYS_ADMIN and CAP_NET_ADMIN): run as root";
        }
        try {
            Process p = new ProcessBuilder("ip", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "iproute2's ip does not run (apt-get install -y iproute2)";
            }
        } catch (IOException e) {
            return "iproute2's ip is not installed (apt-get install -y iproute2)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking for ip";
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes the namespaces, links, addresses, routes and static neighbours; deletes what it made if a step fails. */
    public static VethPath create() throws IOException {
        String why = unavailable();
        if (why != null) {
            throw new IOException("cannot make the benchmark's network namespaces: " + why);
        }
        String tag = String.format(Locale.ROOT, "%d-%04x", ProcessHandle.current().pid(), ThreadLocalRandom.current().nextInt(1 << 16));
        VethPath path = new VethPath(tag);
        Runtime.getRuntime().addShutdownHook(path.cleanup);
        try {
            path.build();
            return path;
        } catch (IOException | RuntimeException e) {
            path.close();
            throw e;
        }
    }

    private void build() throws IOException {
        for (Role r : Role.values()) {
            ip("netns", "add", namespace(r));
            ipIn(r, "link", "set", "lo", "up");
        }
        // Each pair made with its two ends already in their namespaces: no name ever exists in the root namespace.
        ip("link", "add", "r0", "netns", namespace(Role.REPORTER), "address", mac(1, 1), "type", "veth",
                "peer", "name", "t0", "netns", namespace(Role.TRANSLATOR), "address", mac(1, 2));
        ip("link", "add", "t1", "netns", namespace(Role.TRANSLATOR), "address", mac(2, 1), "type", "veth",
                "peer", "name", "c0", "netns", namespace(Role.COLLECTOR), "address", mac(2, 2));
        ipIn(Role.REPORTER, "addr", "add", Ipv4.format(REPORTER_ADDRESS) + "/24", "dev", "r0");
        ipIn(Role.TRANSLATOR, "addr", "add", Ipv4.format(TRANSLATOR_REPORT_SIDE) + "/24", "dev", "t0");
        ipIn(Role.TRANSLATOR, "addr", "add", Ipv4.format(TRANSLATOR_ADDRESS) + "/24", "dev", "t1");
        for (int i = 0; i < SENDER_ADDRESSES; i++) {
            ipIn(Role.TRANSLATOR, "addr", "add", Ipv4.format(senderAddress(i)) + "/32", "dev", "t1");
        }
        for (int i = 0; i < COLLECTOR_ADDRESSES; i++) {
            ipIn(Role.COLLECTOR, "addr", "add", Ipv4.format(collectorAddress(i)) + (i == 0 ? "/24" : "/32"), "dev", "c0");
        }
        ipIn(Role.REPORTER, "link", "set", "r0", "up");
        ipIn(Role.TRANSLATOR, "link", "set", "t0", "up");
        ipIn(Role.TRANSLATOR, "link", "set", "t1", "up");
        ipIn(Role.COLLECTOR, "link", "set", "c0", "up");
        ipIn(Role.REPORTER, "route", "add", "10.77.2.0/24", "via", Ipv4.format(TRANSLATOR_REPORT_SIDE), "dev", "r0");
        ipIn(Role.COLLECTOR, "route", "add", "10.77.1.0/24", "via", Ipv4.format(TRANSLATOR_ADDRESS), "dev", "c0");
        // Static neighbours: no ARP resolution on the measured path, none lost to a neighbour table in flux.
        neighbour(Role.REPORTER, "r0", TRANSLATOR_REPORT_SIDE, mac(1, 2));
        neighbour(Role.TRANSLATOR, "t0", REPORTER_ADDRESS, mac(1, 1));
        for (int i = 0; i < COLLECTOR_ADDRESSES; i++) {
            neighbour(Role.TRANSLATOR, "t1", collectorAddress(i), mac(2, 2));
        }
        neighbour(Role.COLLECTOR, "c0", TRANSLATOR_ADDRESS, mac(2, 1));
        for (int i = 0; i < SENDER_ADDRESSES; i++) {
            neighbour(Role.COLLECTOR, "c0", senderAddress(i), mac(2, 1));
        }
        for (Role r : Role.values()) {
            startAnchor(r);
        }
    }

    /**
     * /proc/net is the namespace of the process's main thread, not of the thread reading it: a socket
     * opened in a namespace is listed in {@code /proc/self/task/<tid>/net/*} of a thread in that namespace.
     */
    private void startAnchor(Role r) throws IOException {
        AtomicReference<Path> net = new AtomicReference<>();
        AtomicReference<IOException> failure = new AtomicReference<>();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        String ns = namespace(r);
        Thread t = new Thread(() -> {
            try {
                Setns.enter(ns);
                // /proc/thread-self links to <pid>/task/<tid>: this thread's own view of /proc.
                net.set(Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self"))).resolve("net"));
            } catch (IOException e) {
                failure.set(e);
                return;
            } finally {
                ready.countDown();
            }
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dta-netns-anchor-" + ns);
        t.setDaemon(true);
        t.start();
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while entering " + namespace(r));
        }
        if (failure.get() != null) {
            throw new IOException("namespace " + ns + ": " + failure.get().getMessage(), failure.get());
        }
        anchors.put(r, t);
        procNet.put(r, net.get());
    }

    /**
     * Packets the kernel dropped at the receiving socket bound to {@code address} in the role's namespace (its receive
     * buffer full: {@code sk_drops}, the last column of the socket table): the UDP socket on {@code address:port}, or, for
     * raw, the raw UDP sockets on {@code address}. IPv4 (AF_INET) sockets only, as packet-io opens them: a Java NIO
     * channel opened without a protocol family is AF_INET6 and listed in udp6. -1 when no such socket is listed.
     */
    public long socketDrops(Role r, boolean raw, int address, int port) {
        Path table = procNet.get(r).resolve(raw ? "raw" : "udp");
        // Columns: sl local_address rem_address st ... inode ref pointer drops; addresses as little-endian hex on x86.
        String local = String.format(Locale.ROOT, "%08X", Integer.reverseBytes(address));
        long sum = -1;
        try {
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.strip().split("\\s+");
                String[] endpoint = f[1].split(":");
                boolean match = endpoint[0].equalsIgnoreCase(local)
                        && (raw ? Integer.parseInt(endpoint[1], 16) == 17 : Integer.parseInt(endpoint[1], 16) == port);
                if (match) {
                    sum = Math.max(sum, 0) + Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }

    private void neighbour(Role r, String device, int address, String mac) throws IOException {
        ipIn(r, "neigh", "replace", Ipv4.format(address), "lladdr", mac, "dev", device, "nud", "permanent");
    }

    private static String mac(int link, int end) {
        return String.format(Locale.ROOT, "02:dd:00:00:%02x:%02x", link, end);
    }

    public static int senderAddress(int i) {
        if (i < 0 || i >= SENDER_ADDRESSES) {
            throw new IllegalArgumentException("sender address " + i + ": 0.." + (SENDER_ADDRESSES - 1));
        }
        return FIRST_SENDER + i;
    }

    public static int collectorAddress(int i) {
        if (i < 0 || i >= COLLECTOR_ADDRESSES) {
            throw new IllegalArgumentException("collector address " + i + ": 0.." + (COLLECTOR_ADDRESSES - 1));
        }
        return FIRST_COLLECTOR + i;
    }

    /** The namespace's name, as {@code ip netns list} shows it. */
    public String namespace(Role r) {
        return "dta-" + tag + "-" + r.name().toLowerCase(Locale.ROOT).charAt(0);
    }

    /** The names of this path's namespaces. */
    public List<String> namespaces() {
        List<String> names = new ArrayList<>();
        for (Role r : Role.values()) {
            names.add(namespace(r));
        }
        return names;
    }

    /** Runs {@code body} on a new thread inside the role's namespace and returns its result (threads it starts stay there). */
    public <T> T call(Role r, Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        String ns = namespace(r);
        Thread t = new Thread(() -> {
            try {
                Setns.enter(ns); // a failure here is the caller's too: nothing runs outside the namespace
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, "dta-netns-call-" + r.name().toLowerCase(Locale.ROOT));
        t.setDaemon(true);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /**
     * A daemon thread (not started) that enters the role's namespace, then runs {@code body}; if it cannot enter, it ends
     * with an {@link IllegalStateException} (the thread's uncaught-exception handler reports it) and {@code body} never runs.
     */
    public Thread thread(Role r, String name, Runnable body) {
        String ns = namespace(r);
        Thread t = new Thread(() -> {
            try {
                Setns.enter(ns);
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            body.run();
        }, name);
        t.setDaemon(true);
        return t;
    }

    /** The namespaces of every path still present on this machine (for tests: none of this run's may be left). */
    public static List<String> existingNamespaces() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** Deletes the namespaces (their veth ends go with them). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) the same deletion
        }
    }

    private void deleteQuietly() {
        for (Role r : Role.values()) {
            if (Files.exists(Path.of("/var/run/netns", namespace(r)))) {
                try {
                    ip("netns", "delete", namespace(r));
                } catch (IOException e) {
                    System.err.println("dta: could not delete network namespace " + namespace(r) + ": " + e.getMessage()
                            + " (delete it with: ip netns delete " + namespace(r) + ")");
                }
            }
        }
    }

    private void ipIn(Role r, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace(r)));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            String output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + output.strip());
            }
            return output;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
    }
}
