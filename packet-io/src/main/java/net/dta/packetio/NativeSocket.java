package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One file descriptor with its errno capture segment and the set-up calls channels need. Set-up
 * failures throw {@link IOException} naming the call, the errno text and, for permissions, the
 * fix; the data path returns -1 and lets the channel count. Public for sockets other modules read
 * themselves (the reporter agent's AF_PACKET tap): open, filter, drain and time-out from here.
 */
public final class NativeSocket implements AutoCloseable {
    private final Arena arena;
    final MemorySegment errno;
    final int fd;
    private final String role;
    private boolean closed;

    private NativeSocket(Arena arena, MemorySegment errno, int fd, String role) {
        this.arena = arena;
        this.errno = errno;
        this.fd = fd;
        this.role = role;
    }

    static NativeSocket open(int type, int protocol, String role) throws IOException {
        return open(Libc.AF_INET, type, protocol, role);
    }

    public static NativeSocket open(int domain, int type, int protocol, String role) throws IOException {
        Arena arena = Arena.ofShared();
        MemorySegment errno = Libc.allocateErrno(arena);
        int fd = Libc.socket(errno, domain, type | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            int e = Libc.errno(errno);
            arena.close();
            String hint = (e == Libc.EPERM || e == Libc.EACCES)
                    ? ": raw, packet and XDP sockets need CAP_NET_RAW (run as root, or use the UDP mode)" : "";
            throw new IOException("cannot open the " + role + " socket: " + Libc.strerror(e) + hint);
        }
        return new NativeSocket(arena, errno, fd, role);
    }

    void bind(int address, int port) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(Libc.SOCKADDR_IN_SIZE, 8);
            Libc.sockaddrIn(sa, 0, address, port);
            if (Libc.bind(errno, fd, sa, (int) Libc.SOCKADDR_IN_SIZE) != 0) {
                int e = Libc.errno(errno);
                String hint = e == Libc.EADDRINUSE ? ": another process already uses it"
                        : e == Libc.EADDRNOTAVAIL ? ": the address is not configured on this host" : "";
                throw new IOException("cannot bind the " + role + " socket to " + Ipv4.format(address)
                        + (port != 0 ? ":" + port : "") + ": " + Libc.strerror(e) + hint);
            }
        }
    }

    /** The bound port (after binding to port 0). */
    int boundPort() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(Libc.SOCKADDR_IN_SIZE, 8);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) Libc.SOCKADDR_IN_SIZE);
            if (Libc.getsockname(errno, fd, sa, len) != 0) {
                throw new IOException("getsockname on the " + role + " socket: " + Libc.strerror(Libc.errno(errno)));
            }
            return Libc.sockaddrInPort(sa, 0);
        }
    }

    void setInt(int level, int option, int value, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            if (Libc.setsockopt(errno, fd, level, option, v, 4) != 0) {
                throw new IOException("cannot set " + what + " on the " + role + " socket: "
                        + Libc.strerror(Libc.errno(errno)));
            }
        }
    }

    /** SO_RCVBUFFORCE (root may exceed rmem_max), falling back to SO_RCVBUF. */
    void receiveBuffer(int bytes) throws IOException {
        try {
            setInt(Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
        } catch (IOException notPrivileged) {
            setInt(Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
    }

    void sendBuffer(int bytes) throws IOException {
        try {
            setInt(Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, bytes, "SO_SNDBUFFORCE");
        } catch (IOException notPrivileged) {
            setInt(Libc.SOL_SOCKET, Libc.SO_SNDBUF, bytes, "SO_SNDBUF");
        }
    }

    public void receiveTimeout(int millis) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tv = a.allocate(16, 8);
            tv.set(ValueLayout.JAVA_LONG, 0, millis / 1000);
            tv.set(ValueLayout.JAVA_LONG, 8, (millis % 1000) * 1000L);
            if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, 16) != 0) {
                throw new IOException("cannot set SO_RCVTIMEO on the " + role + " socket: "
                        + Libc.strerror(Libc.errno(errno)));
            }
        }
    }

    /** Attaches a classic BPF program (instructions as {code, jt, jf, k}). */
    public void attachFilter(int[][] program) throws IOException {
        attach(program, Libc.SO_ATTACH_FILTER, "the packet filter");
    }

    /**
     * Attaches a classic BPF program that picks the socket of a SO_REUSEPORT group (its return value
     * is the index of the socket in the group, in bind order).
     */
    void attachReuseportProgram(int[][] program) throws IOException {
        attach(program, Libc.SO_ATTACH_REUSEPORT_CBPF, "the SO_REUSEPORT steering program");
    }

    private void attach(int[][] program, int option, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insns = a.allocate(8L * program.length, 8);
            for (int i = 0; i < program.length; i++) {
                insns.set(ValueLayout.JAVA_SHORT, 8L * i, (short) program[i][0]);
                insns.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) program[i][1]);
                insns.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) program[i][2]);
                insns.set(ValueLayout.JAVA_INT, 8L * i + 4, program[i][3]);
            }
            MemorySegment fprog = a.allocate(16, 8);
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
            fprog.set(ValueLayout.ADDRESS, 8, insns);
            if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, option, fprog, 16) != 0) {
                throw new IOException("cannot attach " + what + " to the " + role + " socket: "
                        + Libc.strerror(Libc.errno(errno)));
            }
        }
    }

    /**
     * Discards what is queued (non-blocking) and returns how many packets that was. A raw socket
     * queues every packet of the host from its creation until its filter is attached: those must
     * not reach the caller.
     */
    public int drain() {
        int n = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buffer = a.allocate(2048);
            while (Libc.recv(errno, fd, buffer, buffer.byteSize(), Libc.MSG_DONTWAIT) >= 0) {
                n++;
            }
        }
        return n;
    }

    /** The file descriptor, for the caller's own receive calls (with {@link #errno()}). */
    public int fd() {
        return fd;
    }

    /** The errno capture segment to pass to {@link Libc}'s calls on this socket. */
    public MemorySegment errno() {
        return errno;
    }

    int lastErrno() {
        return Libc.errno(errno);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(errno, fd);
            arena.close();
        }
    }
}
