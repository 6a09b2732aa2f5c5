package net.dta.testkit;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Two network namespaces joined by a veth pair, made for one test and deleted by {@link #close}:
 * namespace {@code a} holds interface {@link #interfaceA} with {@link #addressA}/24 and {@code b}
 * holds {@link #interfaceB} with {@link #addressB}/24, both up (and their loopbacks). Names and the
 * subnet are random per fixture, so parallel runs never meet.
 *
 * <p>Code runs "in" a namespace through {@link #inA}/{@link #inB}: the calling thread enters the
 * namespace (setns, which changes only that thread), runs the action and returns to where it was.
 * Sockets opened there belong to the namespace for their lifetime, whichever thread uses them;
 * threads started there (a responder's) stay in it, as a new thread inherits its creator's
 * namespaces.
 *
 * <p>Needs root (CAP_SYS_ADMIN) and iproute2; {@link #require} skips without them, or fails when
 * {@code DTA_REQUIRE_NETNS=1} (set by CI).
 */
public final class VethNamespaces implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    public final String namespaceA;
    public final String namespaceB;
    public final String interfaceA;
    public final String interfaceB;
    public final String addressA;
    public final String addressB;
    private final List<String> created = new ArrayList<>();

    private VethNamespaces(String tag, String addressA, String addressB) {
        this(tag, addressA, addressB, true);
    }

    private VethNamespaces(String tag, String addressA, String addressB, boolean namespaceForA) {
        this.namespaceA = namespaceForA ? "dta-" + tag + "-a" : null;
        this.namespaceB = "dta-" + tag + "-b";
        this.interfaceA = "dv" + tag + "a";
        this.interfaceB = "dv" + tag + "b";
        this.addressA = addressA;
        this.addressB = addressB;
    }

    /** Skips the calling test when namespaces cannot be made here, or fails it when DTA_REQUIRE_NETNS=1. */
    public static void require() {
        String missing = !hasCapabilities() ? "root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF)"
                : !onPath("ip") ? "iproute2 (apt-get install -y iproute2)" : null;
        if (missing != null && "1".equals(System.getenv("DTA_REQUIRE_NETNS"))) {
            throw new AssertionError("network namespaces are required (DTA_REQUIRE_NETNS=1) but need " + missing);
        }
        Assumptions.assumeTrue(missing == null, "network namespace tests need " + missing);
    }

    /** CapEff of /proc/self/status has CAP_NET_ADMIN (12), CAP_NET_RAW (13), CAP_SYS_ADMIN (21) and CAP_BPF (39). */
    private static boolean hasCapabilities() {
        long needed = (1L << 12) | (1L << 13) | (1L << 21) | (1L << 39);
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                    return (caps & needed) == needed;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Creates both namespaces and the veth pair with a random 10.x.y.0/24 subnet (a = .1, b = .2). */
    public static VethNamespaces create() throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String subnet = "10." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + ".";
        return create(subnet + "1", null, subnet + "2", null);
    }

    /**
     * Creates namespace b only, with the veth pair's a end in the calling process's own namespace
     * (the host's): for components that cannot be moved into a namespace (a gRPC server whose
     * clients must reach it). {@link #namespaceA} is null; {@link #inA} runs the action as is.
     * Deleting b deletes both veth ends.
     */
    public static VethNamespaces createHostAndNamespace(String addressA, String addressB) throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String tag = Long.toHexString(ProcessHandle.current().pid() & 0xFFFF) + Integer.toHexString(r.nextInt(0x1000, 0x10000));
        VethNamespaces n = new VethNamespaces(tag, addressA, addressB, false);
        try {
            n.ip("netns", "add", n.namespaceB);
            n.created.add(n.namespaceB);
            n.ip("link", "add", n.interfaceA, "type", "veth", "peer", "name", n.interfaceB, "netns", n.namespaceB);
            n.ip("addr", "add", addressA + "/24", "dev", n.interfaceA);
            n.ip("link", "set", n.interfaceA, "up");
            n.up(n.namespaceB, n.interfaceB, n.addressB);
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** Adds another address (same /24) to b's interface. */
    public void addAddressB(String address) throws IOException {
        ip("-n", namespaceB, "addr", "add", address + "/24", "dev", interfaceB);
    }

    /**
     * Creates both namespaces and the veth pair with the given addresses (one /24) and MACs (null:
     * the kernel's random ones). Namespaces are isolated, so the addresses of docs/protocol.md's
     * vectors can be used as they are, whatever else on the host uses them.
     */
    public static VethNamespaces create(String addressA, String macA, String addressB, String macB) throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String tag = Long.toHexString(ProcessHandle.current().pid() & 0xFFFF) + Integer.toHexString(r.nextInt(0x1000, 0x10000));
        VethNamespaces n = new VethNamespaces(tag, addressA, addressB);
        try {
            n.ip("netns", "add", n.namespaceA);
            n.created.add(n.namespaceA);
            n.ip("netns", "add", n.namespaceB);
            n.created.add(n.namespaceB);
            n.ip("link", "add", n.interfaceA, "netns", n.namespaceA, "type", "veth", "peer", "name", n.interfaceB,
                    "netns", n.namespaceB);
            if (macA != null) {
                n.ip("-n", n.namespaceA, "link", "set", n.interfaceA, "address", macA);
            }
            if (macB != null) {
                n.ip("-n", n.namespaceB, "link", "set", n.interfaceB, "address", macB);
            }
            n.up(n.namespaceA, n.interfaceA, n.addressA);
            n.up(n.namespaceB, n.interfaceB, n.addressB);
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    private void up(String namespace, String iface, String address) throws IOException {
        ip("-n", namespace, "addr", "add", address + "/24", "dev", iface);
        ip("-n", namespace, "link", "set", iface, "up");
        ip("-n", namespace, "link", "set", "lo", "up");
    }

    /** Runs {@code action} on this thread inside namespace a. */
    public <T> T inA(Callable<T> action) throws Exception {
        return namespaceA == null ? action.call() : in(namespaceA, action);
    }

    /** Runs {@code action} on this thread inside namespace b. */
    public <T> T inB(Callable<T> action) throws Exception {
        return in(namespaceB, action);
    }

    /** Runs a command inside namespace {@code a} or {@code b} (ip netns exec), returning its output; fails on a non-zero exit. */
    public String exec(String namespace, String... command) throws IOException {
        List<String> c = namespace == null ? new ArrayList<>() : new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        c.addAll(List.of(command));
        return run(c);
    }

    private static <T> T in(String namespace, Callable<T> action) throws Exception {
        int home = open("/proc/thread-self/ns/net");
        int target = open("/run/netns/" + namespace);
        try {
            setns(target, namespace);
            try {
                return action.call();
            } finally {
                setns(home, "the test's own namespace");
            }
        } finally {
            close(target);
            close(home);
        }
    }

    private static int open(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open " + path);
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void setns(int fd, String what) throws IOException {
        try {
            if ((int) SETNS.invokeExact(fd, CLONE_NEWNET) != 0) {
                throw new IOException("setns into " + what + " failed (needs CAP_SYS_ADMIN)");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void ip(String... arguments) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip"));
        c.addAll(List.of(arguments));
        run(c);
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    /** Deletes both namespaces (their veth ends go with them). */
    @Override
    public void close() {
        for (String ns : created.reversed()) {
            try {
                ip("netns", "del", ns);
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        created.clear();
    }
}
