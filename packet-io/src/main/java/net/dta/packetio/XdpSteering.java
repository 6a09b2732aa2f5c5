package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel half of an AF_XDP channel: an XSKMAP, the XDP program of {@link XdpProgram} that
 * steers the channel's UDP traffic into it, and the bpf_link that attaches the program to the
 * interface. All three are made with the bpf() system call from Java: no clang, no libbpf, no
 * object file to build or ship.
 *
 * <p>The program is attached with {@code BPF_LINK_CREATE}, not netlink {@code IFLA_XDP}: a link
 * belongs to its file descriptor, so the kernel detaches the program when the descriptor closes,
 * also when the process dies. A crashed collector leaves no program on the interface. A link is
 * also exclusive: a second link on the same interface fails with EBUSY instead of silently
 * replacing the first (the caller then falls back to the packet ring).
 */
final class XdpSteering implements AutoCloseable {
    private static final int BPF_MAP_CREATE = 0;
    private static final int BPF_MAP_UPDATE_ELEM = 2;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_LINK_CREATE = 28;
    private static final int BPF_MAP_TYPE_XSKMAP = 17;
    private static final int BPF_PROG_TYPE_XDP = 6;
    private static final int BPF_XDP = 37;
    private static final int ATTR_BYTES = 128;
    private static final int VERIFIER_LOG_BYTES = 1 << 16;
    /** XSKMAP entries: one per receive queue the map can steer to. */
    static final int MAX_QUEUES = 64;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.allocateErrno(arena);
    private int mapFd = -1;
    private int programFd = -1;
    private int linkFd = -1;

    private XdpSteering() {
    }

    /**
     * Creates the map, loads the program for {@code address:port} and attaches it to interface
     * {@code ifindex}. Throws with the step, the errno text and the fix.
     */
    static XdpSteering attach(int ifindex, int address, int port) throws IOException {
        XdpSteering s = new XdpSteering();
        try {
            s.mapFd = s.createMap();
            s.programFd = s.loadProgram(XdpProgram.assemble(s.mapFd, address, port));
            s.linkFd = s.link(ifindex);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Points the map's entry for {@code queue} at the AF_XDP socket {@code xskFd}. */
    void steer(int queue, int xskFd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, queue);
            MemorySegment value = a.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, xskFd);
            MemorySegment attr = a.allocate(ATTR_BYTES, 8);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            attr.set(ValueLayout.JAVA_LONG, 8, key.address());
            attr.set(ValueLayout.JAVA_LONG, 16, value.address());
            call(BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM (XSKMAP entry of queue " + queue + ")");
        }
    }

    private int createMap() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(ATTR_BYTES, 8);
            attr.set(ValueLayout.JAVA_INT, 0, BPF_MAP_TYPE_XSKMAP);
            attr.set(ValueLayout.JAVA_INT, 4, 4);
            attr.set(ValueLayout.JAVA_INT, 8, 4);
            attr.set(ValueLayout.JAVA_INT, 12, MAX_QUEUES);
            name(attr, 28, "dta_xsks");
            return (int) call(BPF_MAP_CREATE, attr, "BPF_MAP_CREATE (XSKMAP)");
        }
    }

    private int loadProgram(long[] instructions) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insns = a.allocate(8L * instructions.length, 8);
            for (int i = 0; i < instructions.length; i++) {
                insns.set(ValueLayout.JAVA_LONG, 8L * i, instructions[i]);
            }
            MemorySegment license = a.allocateFrom("GPL");
            MemorySegment log = a.allocate(VERIFIER_LOG_BYTES);
            MemorySegment attr = a.allocate(ATTR_BYTES, 8);
            attr.set(ValueLayout.JAVA_INT, 0, BPF_PROG_TYPE_XDP);
            attr.set(ValueLayout.JAVA_INT, 4, instructions.length);
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, license.address());
            attr.set(ValueLayout.JAVA_INT, 24, 1);
            attr.set(ValueLayout.JAVA_INT, 28, VERIFIER_LOG_BYTES);
            attr.set(ValueLayout.JAVA_LONG, 32, log.address());
            name(attr, 48, "dta_steer");
            attr.set(ValueLayout.JAVA_INT, 68, BPF_XDP);
            try {
                return (int) call(BPF_PROG_LOAD, attr, "BPF_PROG_LOAD (XDP steering program)");
            } catch (IOException e) {
                String verifier = log.getString(0).strip();
                throw new IOException(e.getMessage() + (verifier.isEmpty() ? "" : "; verifier: " + verifier), e);
            }
        }
    }

    private int link(int ifindex) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(ATTR_BYTES, 8);
            attr.set(ValueLayout.JAVA_INT, 0, programFd);
            attr.set(ValueLayout.JAVA_INT, 4, ifindex);
            attr.set(ValueLayout.JAVA_INT, 8, BPF_XDP);
            // flags 0: the driver's native XDP where it has one (veth does), the generic (skb) hook otherwise
            return (int) call(BPF_LINK_CREATE, attr, "BPF_LINK_CREATE (attach XDP to interface " + ifindex + ")");
        }
    }

    private long call(int command, MemorySegment attr, String what) throws IOException {
        long r = Libc.syscall(errno, bpfSyscallNumber(), command, attr, ATTR_BYTES);
        if (r < 0) {
            int e = Libc.errno(errno);
            String hint = e == Libc.EPERM || e == Libc.EACCES ? ": needs CAP_BPF and CAP_NET_ADMIN (root)"
                    : e == Libc.EBUSY ? ": another XDP program is attached to this interface" : "";
            throw new IOException(what + " failed: " + Libc.strerror(e) + hint);
        }
        return r;
    }

    private static void name(MemorySegment attr, long offset, String name) {
        MemorySegment.copy(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, attr,
                ValueLayout.JAVA_BYTE, offset, name.length());
    }

    /** The number of bpf() on this architecture (it has no libc wrapper). */
    static long bpfSyscallNumber() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 321;
            case "aarch64" -> 280;
            default -> throw new UnsupportedOperationException("bpf() system call number unknown for "
                    + System.getProperty("os.arch") + " (known: amd64, aarch64)");
        };
    }

    @Override
    public void close() {
        for (int fd : new int[] {linkFd, programFd, mapFd}) {
            if (fd >= 0) {
                Libc.close(errno, fd);
            }
        }
        linkFd = programFd = mapFd = -1;
        arena.close();
    }
}
