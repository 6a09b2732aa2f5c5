package net.dta.bench.netns;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Moves the calling thread into a named network namespace: {@code open("/var/run/netns/<name>")}
 * then {@code setns(fd, CLONE_NEWNET)}, bound with {@code java.lang.foreign}. A network namespace
 * is a property of each thread (task) on Linux, and a thread started later inherits the namespace
 * of the thread that started it: sockets a component opens, and threads it starts, are in the
 * namespace of the thread that started the component.
 */
@SuppressWarnings("restricted") // native access is this class's job; the JVM runs with --enable-native-access
final class Setns {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Setns() {
    }

    /** The calling thread enters the namespace {@code ip netns add name} made. */
    static void enter(String name) throws IOException {
        Path file = Path.of("/var/run/netns", name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open " + file + ": " + strerror((int) ERRNO.get(errno, 0L)));
            }
            try {
                int rc = (int) SETNS.invokeExact(errno, fd, CLONE_NEWNET);
                if (rc != 0) {
                    throw new IOException("setns(" + file + ", CLONE_NEWNET) failed: " + strerror((int) ERRNO.get(errno, 0L))
                            + " (needs CAP_SYS_ADMIN: run as root)");
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("setns into " + name + ": " + t, t);
        }
    }

    private static String strerror(int errno) throws Throwable {
        MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
        return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
    }
}
