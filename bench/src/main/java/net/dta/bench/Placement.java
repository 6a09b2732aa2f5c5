package net.dta.bench;

import java.util.concurrent.Callable;

import net.dta.bench.netns.VethPath;
import net.dta.bench.netns.VethPath.Role;

/**
 * Where a benchmark's parts run: all in this process's network namespace (the loopback benchmarks),
 * or each role in its namespace of a {@link VethPath}. A socket belongs to the namespace of the
 * thread that opened it, and a thread starts in the namespace of the thread that started it: so
 * what opens sockets or starts a component runs through {@link #call}, and nothing else needs to.
 */
final class Placement {
    static final Placement HERE = new Placement(null);

    private final VethPath path;

    private Placement(VethPath path) {
        this.path = path;
    }

    static Placement on(VethPath path) {
        return new Placement(path);
    }

    /**
     * Kernel drops at the receiving socket on {@code address:port} (raw: the raw UDP sockets on {@code address}) in the role's
     * namespace. Here, the component's own count ({@code own}); in a namespace that count reads the main thread's
     * /proc/net (another namespace's table), so the path's table is read instead.
     */
    java.util.function.LongSupplier drops(Role role, boolean raw, int address, int port, java.util.function.LongSupplier own) {
        return path == null ? own : () -> path.socketDrops(role, raw, address, port);
    }

    /** Runs {@code body} in the role's namespace (here: on this thread). */
    <T> T call(Role role, Callable<T> body) throws Exception {
        return path == null ? body.call() : path.call(role, body);
    }
}
