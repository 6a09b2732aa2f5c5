package net.dta.testkit;

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

/**
 * Whole Ethernet frames in and out of one interface (root): an {@code AF_PACKET/SOCK_RAW} socket
 * bound to it, which sends a frame exactly as given and receives every frame that arrives on the
 * interface, whatever its addresses (frames this socket or the host send are not received:
 * {@code PACKET_IGNORE_OUTGOING}). For tests that stand in for a host on a veth of a switch they
 * created, e.g. the collector side of a BMv2 translator.
 */
public final class EtherPort implements AutoCloseable {
    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final short ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL = 3)
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_RCVBUF = 8;
    private static final int SOL_PACKET = 263;
    private static final int PACKET_IGNORE_OUTGOING = 23;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int MAX_FRAME = 65536;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("if_nametoindex"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle BIND = call("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = call("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SEND = call("send", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = call("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final String name;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final MemorySegment buffer = arena.allocate(MAX_FRAME, 8);
    private final int fd;

    private EtherPort(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    private static MethodHandle call(String function, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(function), descriptor, ERRNO_OPTION);
    }

    /** Opens a socket on {@code iface}; {@link #receive} waits at most {@code timeoutMillis} for a frame. */
    public static EtherPort open(String iface, int timeoutMillis) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            int index = (int) IF_NAMETOINDEX.invokeExact(a.allocateFrom(iface));
            if (index == 0) {
                throw new IOException("no interface " + iface);
            }
            // Protocol 0: the socket receives nothing until bind() names the protocol and the
            // interface. Created with ETH_P_ALL it would queue frames of every interface (loopback
            // traffic of other tests) in the moment before bind().
            int fd = (int) SOCKET.invokeExact(err, AF_PACKET, SOCK_RAW, 0);
            if (fd < 0) {
                throw new IOException("socket(AF_PACKET) failed (errno " + (int) ERRNO.get(err, 0L) + "; needs root)");
            }
            EtherPort port = new EtherPort(iface, fd);
            try {
                port.setInt(a, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
                port.setInt(a, SOL_SOCKET, SO_RCVBUF, 4 << 20, "SO_RCVBUF");
                MemorySegment tv = a.allocate(16, 8);
                tv.set(ValueLayout.JAVA_LONG, 0, timeoutMillis / 1000);
                tv.set(ValueLayout.JAVA_LONG, 8, (timeoutMillis % 1000) * 1000L);
                port.check((int) SETSOCKOPT.invokeExact(err, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16), err, "SO_RCVTIMEO");
                // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
                MemorySegment sll = a.allocate(20, 4);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) AF_PACKET);
                sll.set(ValueLayout.JAVA_SHORT, 2, ETH_P_ALL_BE);
                sll.set(ValueLayout.JAVA_INT, 4, index);
                port.check((int) BIND.invokeExact(err, fd, sll, 20), err, "bind " + iface);
                return port;
            } catch (IOException | RuntimeException e) {
                port.close();
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void setInt(Arena a, int level, int option, int value, String what) throws Throwable {
        MemorySegment v = a.allocateFrom(ValueLayout.JAVA_INT, value);
        MemorySegment err = a.allocate(CAPTURE);
        check((int) SETSOCKOPT.invokeExact(err, fd, level, option, v, 4), err, what);
    }

    private void check(int rc, MemorySegment err, String what) throws IOException {
        if (rc < 0) {
            throw new IOException(name + ": " + what + " failed (errno " + (int) ERRNO.get(err, 0L) + ")");
        }
    }

    /** Sends one whole frame (Ethernet header included). */
    public synchronized void send(byte[] frame) throws IOException {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        try {
            long n = (long) SEND.invokeExact(errno, fd, buffer, (long) frame.length, 0);
            if (n != frame.length) {
                throw new IOException(name + ": send failed (errno " + (int) ERRNO.get(errno, 0L) + ")");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The next frame that arrived on the interface, or null when none came within the timeout. */
    public synchronized byte[] receive() throws IOException {
        try {
            while (true) {
                long n = (long) RECV.invokeExact(errno, fd, buffer, (long) MAX_FRAME, 0);
                if (n >= 0) {
                    return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                }
                int e = (int) ERRNO.get(errno, 0L);
                if (e == EAGAIN) {
                    return null;
                }
                if (e != EINTR) {
                    throw new IOException(name + ": recv failed (errno " + e + ")");
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
