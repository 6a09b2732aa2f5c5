package net.dta.reporter.agent;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.packetio.Libc;

/**
 * The root qdisc of each interface of this network namespace, read from the kernel over rtnetlink
 * ({@code RTM_GETQDISC} dump, the request {@code tc -s qdisc show} makes): its queue length in
 * packets ({@code gnet_stats_queue.qlen}: packets waiting in the qdisc and its children, e.g. an
 * htb's leaf queues) and its drop count. A veth's default qdisc is {@code noqueue}: no queue at
 * all, depth 0. One dump per {@link #refresh()}; values are kept per interface index (< {@link #MAX_INTERFACES}).
 *
 * <pre>
 *  nlmsghdr (16): len u32 | type u16 | flags u16 | seq u32 | pid u32
 *  tcmsg    (20): family u8 | pad u8 | pad u16 | ifindex i32 | handle u32 | parent u32 | info u32
 *  rtattr   ( 4): len u16 | type u16, then the payload, padded to 4 bytes
 *  TCA_STATS2 (7) nests TCA_STATS_QUEUE (3): qlen u32 | backlog u32 | drops u32 | requeues u32 | overlimits u32
 * </pre>
 */
final class QdiscStats implements AutoCloseable {
    static final int MAX_INTERFACES = 4096;
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final short RTM_NEWQDISC = 36;
    private static final short RTM_GETQDISC = 38;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short NLM_F_REQUEST_DUMP = 0x1 | 0x300;
    private static final int TC_H_ROOT = 0xFFFFFFFF;
    private static final int TCA_STATS2 = 7;
    private static final int TCA_STATS_QUEUE = 3;
    private static final int NLMSG_HDR = 16;
    private static final int TCMSG = 20;
    private static final int BUFFER = 64 * 1024;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.allocateErrno(arena);
    private final MemorySegment request = arena.allocate(NLMSG_HDR + TCMSG, 8);
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private final int fd;
    private final int[] queueLength = new int[MAX_INTERFACES];
    private final long[] drops = new long[MAX_INTERFACES];
    private int sequence;

    private QdiscStats(int fd) {
        this.fd = fd;
    }

    static QdiscStats open() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = Libc.allocateErrno(a);
            int fd = Libc.socket(e, AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) {
                throw new IOException("cannot open the rtnetlink socket for qdisc statistics: " + Libc.strerror(Libc.errno(e)));
            }
            QdiscStats q = new QdiscStats(fd);
            q.refresh();
            return q;
        }
    }

    /** Dumps every qdisc of the namespace and keeps the root qdiscs' queue lengths and drops. */
    void refresh() throws IOException {
        request.fill((byte) 0);
        request.set(ValueLayout.JAVA_INT, 0, NLMSG_HDR + TCMSG);
        request.set(ValueLayout.JAVA_SHORT, 4, RTM_GETQDISC);
        request.set(ValueLayout.JAVA_SHORT, 6, NLM_F_REQUEST_DUMP);
        request.set(ValueLayout.JAVA_INT, 8, ++sequence);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment kernel = a.allocate(12, 4);      // sockaddr_nl of the kernel: family, pad, pid 0, groups 0
            kernel.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            if (Libc.sendto(errno, fd, request, request.byteSize(), 0, kernel, 12) < 0) {
                throw new IOException("rtnetlink RTM_GETQDISC: " + Libc.strerror(Libc.errno(errno)));
            }
        }
        while (true) {
            long n = Libc.recv(errno, fd, buffer, BUFFER, 0);
            if (n < 0) {
                throw new IOException("rtnetlink RTM_GETQDISC reply: " + Libc.strerror(Libc.errno(errno)));
            }
            long at = 0;
            while (at + NLMSG_HDR <= n) {
                int len = buffer.get(ValueLayout.JAVA_INT, at);
                short type = buffer.get(ValueLayout.JAVA_SHORT, at + 4);
                if (len < NLMSG_HDR || type == NLMSG_DONE) {
                    return;
                }
                if (type == NLMSG_ERROR) {
                    int code = buffer.get(ValueLayout.JAVA_INT, at + NLMSG_HDR);
                    throw new IOException("rtnetlink RTM_GETQDISC: " + Libc.strerror(-code));
                }
                if (type == RTM_NEWQDISC) {
                    message(at, len);
                }
                at += align(len);
            }
        }
    }

    private void message(long at, int len) {
        long tc = at + NLMSG_HDR;
        int ifindex = buffer.get(ValueLayout.JAVA_INT, tc + 4);
        int parent = buffer.get(ValueLayout.JAVA_INT, tc + 12);
        if (parent != TC_H_ROOT || ifindex <= 0 || ifindex >= MAX_INTERFACES) {
            return;
        }
        long end = at + len;
        for (long attr = tc + TCMSG; attr + 4 <= end; ) {
            int alen = buffer.get(ValueLayout.JAVA_SHORT, attr) & 0xFFFF;
            int atype = buffer.get(ValueLayout.JAVA_SHORT, attr + 2) & 0x3FFF;
            if (alen < 4) {
                return;
            }
            if (atype == TCA_STATS2) {
                for (long s = attr + 4; s + 4 <= attr + alen; ) {
                    int slen = buffer.get(ValueLayout.JAVA_SHORT, s) & 0xFFFF;
                    int stype = buffer.get(ValueLayout.JAVA_SHORT, s + 2) & 0x3FFF;
                    if (slen < 4) {
                        break;
                    }
                    if (stype == TCA_STATS_QUEUE && slen >= 4 + 12) {
                        queueLength[ifindex] = buffer.get(ValueLayout.JAVA_INT, s + 4);
                        drops[ifindex] = buffer.get(ValueLayout.JAVA_INT, s + 12) & 0xFFFF_FFFFL;
                    }
                    s += align(slen);
                }
            }
            attr += align(alen);
        }
    }

    private static long align(int len) {
        return (len + 3) & ~3L;
    }

    /** Packets in the interface's root qdisc at the last refresh (0 for noqueue or an unknown interface). */
    int queueLength(int ifindex) {
        return ifindex > 0 && ifindex < MAX_INTERFACES ? queueLength[ifindex] : 0;
    }

    /** Packets the interface's root qdisc dropped since it was created, at the last refresh. */
    long drops(int ifindex) {
        return ifindex > 0 && ifindex < MAX_INTERFACES ? drops[ifindex] : 0;
    }

    @Override
    public void close() {
        Libc.close(errno, fd);
        arena.close();
    }
}
