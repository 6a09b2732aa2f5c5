package net.dta.packetio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc socket calls this module needs, bound with {@code java.lang.foreign} (no JNI build
 * step). Linux x86-64/aarch64 (LP64) layouts and constants. Every call captures {@code errno}
 * into a caller-owned segment from {@link #allocateErrno}, so a thread-confined caller reads it
 * without allocation.
 */
@SuppressWarnings("restricted") // native access is this class's job; the JVM runs with --enable-native-access
public final class Libc {
    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_RAW = 255;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    public static final int IP_HDRINCL = 3;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_PMTUDISC_DO = 2;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_WAITFORONE = 0x10000;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EPERM = 1;
    public static final int EACCES = 13;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;
    public static final int EBUSY = 16;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_POPULATE = 0x8000;
    public static final short POLLIN = 1;

    /** struct sockaddr_in: family (host order), port (network order), address (network order), zero. */
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            ValueLayout.JAVA_SHORT.withName("sin_port"),
            ValueLayout.JAVA_INT.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero"));
    public static final long SOCKADDR_IN_SIZE = SOCKADDR_IN.byteSize();

    /** struct iovec. */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));

    /** struct mmsghdr = struct msghdr + unsigned msg_len (+ padding). */
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4));

    public static final long MSG_NAME = offset(MMSGHDR, "msg_name");
    public static final long MSG_NAMELEN = offset(MMSGHDR, "msg_namelen");
    public static final long MSG_IOV = offset(MMSGHDR, "msg_iov");
    public static final long MSG_IOVLEN = offset(MMSGHDR, "msg_iovlen");
    public static final long MSG_FLAGS = offset(MMSGHDR, "msg_flags");
    public static final long MSG_LEN = offset(MMSGHDR, "msg_len");
    public static final long IOV_BASE = offset(IOVEC, "iov_base");
    public static final long IOV_LEN = offset(IOVEC, "iov_len");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = bind("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = bind("bind",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKNAME = bind("getsockname",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle RECVMMSG = bind("recvmmsg",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle RECV = bind("recv",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle SENDMMSG = bind("sendmmsg",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = bind("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = bind("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle POLL = bind("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    /** syscall(long number, ...): the bpf() system call has no libc wrapper. Variadic arguments passed as longs. */
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(LIBC.findOrThrow("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.findOrThrow("strerror"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** A segment that receives errno of the calls made with it. */
    public static MemorySegment allocateErrno(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    public static int socket(MemorySegment errno, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(errno, domain, type, protocol);
        } catch (Throwable t) {
            throw new LinkageError("socket() call failed", t);
        }
    }

    public static int bind(MemorySegment errno, int fd, MemorySegment sockaddr, int length) {
        try {
            return (int) BIND.invokeExact(errno, fd, sockaddr, length);
        } catch (Throwable t) {
            throw new LinkageError("bind() call failed", t);
        }
    }

    public static int setsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(errno, fd, level, name, value, length);
        } catch (Throwable t) {
            throw new LinkageError("setsockopt() call failed", t);
        }
    }

    public static int getsockname(MemorySegment errno, int fd, MemorySegment sockaddr, MemorySegment length) {
        try {
            return (int) GETSOCKNAME.invokeExact(errno, fd, sockaddr, length);
        } catch (Throwable t) {
            throw new LinkageError("getsockname() call failed", t);
        }
    }

    public static int recvmmsg(MemorySegment errno, int fd, MemorySegment vector, int count, int flags,
                               MemorySegment timeout) {
        try {
            return (int) RECVMMSG.invokeExact(errno, fd, vector, count, flags, timeout);
        } catch (Throwable t) {
            throw new LinkageError("recvmmsg() call failed", t);
        }
    }

    public static long recv(MemorySegment errno, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV.invokeExact(errno, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw new LinkageError("recv() call failed", t);
        }
    }

    public static int sendmmsg(MemorySegment errno, int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(errno, fd, vector, count, flags);
        } catch (Throwable t) {
            throw new LinkageError("sendmmsg() call failed", t);
        }
    }

    public static long sendto(MemorySegment errno, int fd, MemorySegment buffer, long length, int flags,
                              MemorySegment sockaddr, int addressLength) {
        try {
            return (long) SENDTO.invokeExact(errno, fd, buffer, length, flags, sockaddr, addressLength);
        } catch (Throwable t) {
            throw new LinkageError("sendto() call failed", t);
        }
    }

    public static int close(MemorySegment errno, int fd) {
        try {
            return (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw new LinkageError("close() call failed", t);
        }
    }

    public static int getsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value,
                                 MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(errno, fd, level, name, value, length);
        } catch (Throwable t) {
            throw new LinkageError("getsockopt() call failed", t);
        }
    }

    /** mmap; returns the address (MAP_FAILED = -1 as an address on error). */
    public static MemorySegment mmap(MemorySegment errno, long length, int protection, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, length, protection, flags, fd, offset);
        } catch (Throwable t) {
            throw new LinkageError("mmap() call failed", t);
        }
    }

    public static int munmap(MemorySegment errno, MemorySegment address, long length) {
        try {
            return (int) MUNMAP.invokeExact(errno, address, length);
        } catch (Throwable t) {
            throw new LinkageError("munmap() call failed", t);
        }
    }

    /** poll over {@code count} struct pollfd (int fd, short events, short revents). */
    public static int poll(MemorySegment errno, MemorySegment fds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(errno, fds, count, timeoutMillis);
        } catch (Throwable t) {
            throw new LinkageError("poll() call failed", t);
        }
    }

    /** A three-argument system call by number (bpf(cmd, attr, size)). */
    public static long syscall(MemorySegment errno, long number, long a, MemorySegment b, long c) {
        try {
            return (long) SYSCALL3.invokeExact(errno, number, a, b, c);
        } catch (Throwable t) {
            throw new LinkageError("syscall(" + number + ") failed", t);
        }
    }

    /** Writes a sockaddr_in for {@code address} (network-order int) and {@code port}. */
    public static void sockaddrIn(MemorySegment s, long offset, int address, int port) {
        s.asSlice(offset, SOCKADDR_IN_SIZE).fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, offset, (short) AF_INET);
        s.set(net.dta.protocol.Bytes.U16, offset + 2, (short) port);
        s.set(net.dta.protocol.Bytes.U32, offset + 4, address);
    }

    public static int sockaddrInAddress(MemorySegment s, long offset) {
        return s.get(net.dta.protocol.Bytes.U32, offset + 4);
    }

    public static int sockaddrInPort(MemorySegment s, long offset) {
        return s.get(net.dta.protocol.Bytes.U16, offset + 2) & 0xFFFF;
    }
}
