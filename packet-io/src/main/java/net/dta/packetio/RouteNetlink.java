package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel's route and neighbour tables through a NETLINK_ROUTE socket: {@code RTM_GETROUTE}
 * for one destination (the kernel's own route lookup: longest prefix, policy rules) and an
 * {@code RTM_GETNEIGH} dump for the MAC of a next hop. The socket belongs to the network namespace
 * it was opened in, so the answers are that namespace's whichever thread asks. Control path only
 * (a neighbour cache miss): it allocates.
 */
final class RouteNetlink implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int RTM_GETNEIGH = 30;
    private static final int RTM_GETROUTE = 26;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int NLMSG_HEADER = 16;
    private static final int NDMSG = 12;
    private static final int RTMSG = 12;
    private static final int NDA_DST = 1;
    private static final int NDA_LLADDR = 2;
    private static final int RTA_DST = 1;
    private static final int RTA_GATEWAY = 5;
    /** NUD_REACHABLE | STALE | DELAY | PROBE | NOARP | PERMANENT: an address the kernel would send to. */
    private static final int NUD_VALID = 0x02 | 0x04 | 0x08 | 0x10 | 0x40 | 0x80;
    private static final int BUFFER = 1 << 16;

    private final NativeSocket socket;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private int sequence;

    RouteNetlink() throws IOException {
        this.socket = NativeSocket.open(AF_NETLINK, Libc.SOCK_RAW, NETLINK_ROUTE, "netlink route");
        socket.receiveTimeout(1000);
    }

    /** The gateway of the route to {@code destination}, or {@code destination} itself when it is on a link; 0 when unroutable. */
    int nextHop(int destination) {
        MemorySegment request = buffer;
        request.asSlice(0, NLMSG_HEADER + RTMSG + 8).fill((byte) 0);
        header(request, NLMSG_HEADER + RTMSG + 8, RTM_GETROUTE, NLM_F_REQUEST);
        request.set(ValueLayout.JAVA_BYTE, NLMSG_HEADER, (byte) Libc.AF_INET);
        request.set(ValueLayout.JAVA_BYTE, NLMSG_HEADER + 1, (byte) 32); // rtm_dst_len
        attribute(request, NLMSG_HEADER + RTMSG, RTA_DST, destination);
        if (!send(NLMSG_HEADER + RTMSG + 8)) {
            return 0;
        }
        int gateway = destination;
        boolean found = false;
        long n = receive();
        for (long m = 0; m + NLMSG_HEADER <= n; m = next(m)) {
            int type = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, m + 4));
            if (type == NLMSG_ERROR || type == NLMSG_DONE) {
                break;
            }
            found = true;
            int length = buffer.get(ValueLayout.JAVA_INT, m);
            for (long a = m + NLMSG_HEADER + RTMSG; a + 4 <= m + length; a = nextAttribute(a)) {
                if (Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, a + 2)) == RTA_GATEWAY) {
                    gateway = buffer.get(net.dta.protocol.Bytes.U32, a + 4);
                }
            }
        }
        return found ? gateway : 0;
    }

    /** The MAC of a valid neighbour entry for {@code address} on interface {@code ifindex}, or {@link Neighbours#UNKNOWN}. */
    long neighbour(int address, int ifindex) {
        buffer.asSlice(0, NLMSG_HEADER + NDMSG).fill((byte) 0);
        header(buffer, NLMSG_HEADER + NDMSG, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
        buffer.set(ValueLayout.JAVA_BYTE, NLMSG_HEADER, (byte) Libc.AF_INET);
        buffer.set(ValueLayout.JAVA_INT, NLMSG_HEADER + 4, ifindex);
        if (!send(NLMSG_HEADER + NDMSG)) {
            return Neighbours.UNKNOWN;
        }
        long mac = Neighbours.UNKNOWN;
        while (true) {
            long n = receive();
            if (n <= 0) {
                return mac;
            }
            for (long m = 0; m + NLMSG_HEADER <= n; m = next(m)) {
                int type = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, m + 4));
                if (type == NLMSG_DONE || type == NLMSG_ERROR) {
                    return mac;
                }
                int length = buffer.get(ValueLayout.JAVA_INT, m);
                int index = buffer.get(ValueLayout.JAVA_INT, m + NLMSG_HEADER + 4);
                int state = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, m + NLMSG_HEADER + 8));
                if (index != ifindex || (state & NUD_VALID) == 0) {
                    continue;
                }
                int dst = 0;
                long lladdr = Neighbours.UNKNOWN;
                for (long a = m + NLMSG_HEADER + NDMSG; a + 4 <= m + length; a = nextAttribute(a)) {
                    int attrLength = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, a));
                    int attrType = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, a + 2));
                    if (attrType == NDA_DST && attrLength == 8) {
                        dst = buffer.get(net.dta.protocol.Bytes.U32, a + 4);
                    } else if (attrType == NDA_LLADDR && attrLength == 10) {
                        lladdr = (Integer.toUnsignedLong(buffer.get(net.dta.protocol.Bytes.U16, a + 4)) << 32)
                                | Integer.toUnsignedLong(buffer.get(net.dta.protocol.Bytes.U32, a + 6));
                    }
                }
                if (dst == address && lladdr != Neighbours.UNKNOWN) {
                    mac = lladdr;
                }
            }
        }
    }

    private void header(MemorySegment s, int length, int type, int flags) {
        s.set(ValueLayout.JAVA_INT, 0, length);
        s.set(ValueLayout.JAVA_SHORT, 4, (short) type);
        s.set(ValueLayout.JAVA_SHORT, 6, (short) flags);
        s.set(ValueLayout.JAVA_INT, 8, ++sequence);
    }

    private static void attribute(MemorySegment s, long offset, int type, int ipv4) {
        s.set(ValueLayout.JAVA_SHORT, offset, (short) 8);
        s.set(ValueLayout.JAVA_SHORT, offset + 2, (short) type);
        s.set(net.dta.protocol.Bytes.U32, offset + 4, ipv4);
    }

    private long next(long message) {
        int length = buffer.get(ValueLayout.JAVA_INT, message);
        return length < NLMSG_HEADER ? Long.MAX_VALUE - NLMSG_HEADER : message + ((length + 3) & ~3);
    }

    private long nextAttribute(long attribute) {
        int length = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, attribute));
        return length < 4 ? Long.MAX_VALUE - 4 : attribute + ((length + 3) & ~3);
    }

    private boolean send(int length) {
        return Libc.sendto(socket.errno, socket.fd, buffer, length, 0, MemorySegment.NULL, 0) == length;
    }

    private long receive() {
        return Libc.recv(socket.errno, socket.fd, buffer, BUFFER, 0);
    }

    @Override
    public void close() {
        socket.close();
        arena.close();
    }
}
