package net.dta.reporter.agent;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.packetio.Libc;
import net.dta.packetio.NativeSocket;

/**
 * One AF_PACKET socket ({@code SOCK_RAW}, {@code ETH_P_ALL}) on every interface of the network
 * namespace it is opened in: it sees each frame a router receives and each frame it transmits
 * (the kernel's transmit tap runs after the egress qdisc dequeued the packet). A classic BPF filter
 * keeps IPv4 frames only, so the loop never wakes for ARP or IPv6. Frames are received with
 * {@code recvmmsg} into a fixed ring of slots, each with its {@code sockaddr_ll}: the interface
 * index and the packet type (received for this host, or outgoing). Only the first
 * {@link #SNAP_BYTES} of a frame are copied (headers are all the agent reads).
 *
 * <pre>
 *  sockaddr_ll (20 bytes):  0 family u16 | 2 protocol be16 | 4 ifindex i32 | 8 hatype u16 |
 *                           10 pkttype u8 | 11 halen u8 | 12 addr[8]
 * </pre>
 */
final class PacketTap implements AutoCloseable {
    static final int AF_PACKET = 17;
    static final int ETH_P_ALL = 0x0003;
    static final int PACKET_HOST = 0;
    static final int PACKET_OUTGOING = 4;
    static final int SNAP_BYTES = 128;
    private static final int SLL_BYTES = 24;          // sockaddr_ll is 20 bytes; slots 8-aligned
    private static final int SLL_IFINDEX = 4;
    private static final int SLL_PKTTYPE = 10;

    private final Arena arena = Arena.ofShared();
    private final NativeSocket socket;
    private final MemorySegment errno;
    private final int fd;
    private final int slots;
    private final MemorySegment vector;
    private final MemorySegment frames;
    private final MemorySegment names;

    private PacketTap(NativeSocket socket, int slots) {
        this.socket = socket;
        this.errno = socket.errno();
        this.fd = socket.fd();
        this.slots = slots;
        this.vector = arena.allocate(Libc.MMSGHDR.byteSize() * slots, 8);
        this.frames = arena.allocate((long) SNAP_BYTES * slots, 8);
        this.names = arena.allocate((long) SLL_BYTES * slots, 8);
        MemorySegment iovecs = arena.allocate(Libc.IOVEC.byteSize() * slots, 8);
        for (int i = 0; i < slots; i++) {
            long iov = Libc.IOVEC.byteSize() * i;
            iovecs.set(ValueLayout.ADDRESS, iov + Libc.IOV_BASE, frames.asSlice((long) SNAP_BYTES * i, SNAP_BYTES));
            iovecs.set(ValueLayout.JAVA_LONG, iov + Libc.IOV_LEN, SNAP_BYTES);
            long m = Libc.MMSGHDR.byteSize() * i;
            vector.set(ValueLayout.ADDRESS, m + Libc.MSG_NAME, names.asSlice((long) SLL_BYTES * i, SLL_BYTES));
            vector.set(ValueLayout.ADDRESS, m + Libc.MSG_IOV, iovecs.asSlice(iov, Libc.IOVEC.byteSize()));
            vector.set(ValueLayout.JAVA_LONG, m + Libc.MSG_IOVLEN, 1);
        }
    }

    /** Opens the tap (CAP_NET_RAW); {@code pollMillis}: how long a receive waits when nothing comes. */
    static PacketTap open(int slots, int pollMillis) throws IOException {
        NativeSocket socket = NativeSocket.open(AF_PACKET, Libc.SOCK_RAW, Short.reverseBytes((short) ETH_P_ALL) & 0xFFFF, "AF_PACKET tap");
        try {
            // ldh [12] (EtherType); IPv4 ? accept the first SNAP_BYTES : drop.
            socket.attachFilter(new int[][] {
                    {0x28, 0, 0, 12},
                    {0x15, 0, 1, 0x0800},
                    {0x06, 0, 0, SNAP_BYTES},
                    {0x06, 0, 0, 0},
            });
            socket.drain(); // what was queued before the filter was attached is not filtered
            socket.receiveTimeout(pollMillis);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new PacketTap(socket, slots);
    }

    /** Receives up to the ring's size of frames, waiting at most the poll time for the first; returns the count (0: none). */
    int receive() {
        for (int i = 0; i < slots; i++) {
            long m = Libc.MMSGHDR.byteSize() * i;
            vector.set(ValueLayout.JAVA_INT, m + Libc.MSG_NAMELEN, SLL_BYTES);
            vector.set(ValueLayout.JAVA_INT, m + Libc.MSG_FLAGS, 0);
        }
        int n = Libc.recvmmsg(errno, fd, vector, slots, Libc.MSG_WAITFORONE, MemorySegment.NULL);
        return Math.max(n, 0);
    }

    /** The error of the last receive that returned 0, or 0 when it only timed out. */
    int lastError() {
        int e = Libc.errno(errno);
        return e == Libc.EAGAIN || e == Libc.EINTR ? 0 : e;
    }

    /** The ring's frame bytes: slot i starts at {@link #frameOffset}, its first {@link #capturedLength} bytes valid. */
    MemorySegment frames() {
        return frames;
    }

    static long frameOffset(int i) {
        return (long) SNAP_BYTES * i;
    }

    int capturedLength(int i) {
        return Math.min(vector.get(ValueLayout.JAVA_INT, Libc.MMSGHDR.byteSize() * i + Libc.MSG_LEN), SNAP_BYTES);
    }

    int interfaceIndex(int i) {
        return names.get(ValueLayout.JAVA_INT, (long) SLL_BYTES * i + SLL_IFINDEX);
    }

    int packetType(int i) {
        return names.get(ValueLayout.JAVA_BYTE, (long) SLL_BYTES * i + SLL_PKTTYPE) & 0xFF;
    }

    @Override
    public void close() {
        socket.close();
        arena.close();
    }
}
