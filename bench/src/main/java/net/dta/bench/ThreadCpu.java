package net.dta.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Optional;

/** CPU time (user + system) of one thread, from the JVM's {@link ThreadMXBean} (per-thread clock of the kernel). */
final class ThreadCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** Nanoseconds of CPU the thread used so far; -1 if it ended. */
    static long nanos(Thread thread) {
        return MX.getThreadCpuTime(thread.threadId());
    }

    /** The live thread with exactly this name. */
    static Thread named(String name) {
        Optional<Thread> t = Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals(name)).findFirst();
        return t.orElseThrow(() -> new IllegalStateException("no thread named " + name + " is running"));
    }

    /** Whether the JVM measures thread CPU time here (it does on Linux). */
    static boolean supported() {
        return MX.isThreadCpuTimeSupported() && MX.isThreadCpuTimeEnabled();
    }
}
