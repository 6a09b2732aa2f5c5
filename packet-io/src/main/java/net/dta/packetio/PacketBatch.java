package net.dta.packetio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A batch of frames in native memory, plus the {@code mmsghdr}/{@code iovec}/{@code sockaddr_in}
 * vectors that {@code recvmmsg} and {@code sendmmsg} use on it. Slot {@code i} holds one complete
 * Ethernet frame starting at {@link #frameOffset(int)}; channels that do not see the Ethernet or
 * IPv4/UDP headers fill them in (see {@link PacketChannel}).
 *
 * <p>Owned by one thread. Allocated once, reused for every batch.
 */
public final class PacketBatch implements AutoCloseable {
    /** Enough for a 4096-byte path MTU plus all headers. */
    public static final int DEFAULT_SLOT_BYTES = 4096 + 256;

    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final int slotBytes;
    private final MemorySegment frames;
    final MemorySegment messages;
    final MemorySegment iovecs;
    final MemorySegment names;
    private final int[] lengths;
    private int count;

    public PacketBatch(int capacity) {
        this(capacity, DEFAULT_SLOT_BYTES);
    }

    public PacketBatch(int capacity, int slotBytes) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("batch capacity must be 1..1024, got " + capacity);
        }
        this.capacity = capacity;
        this.slotBytes = slotBytes;
        this.frames = arena.allocate((long) capacity * slotBytes, 64);
        this.messages = arena.allocate(Libc.MMSGHDR, capacity);
        this.iovecs = arena.allocate(Libc.IOVEC, capacity);
        this.names = arena.allocate(Libc.SOCKADDR_IN_SIZE * capacity, 8);
        this.lengths = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            long m = (long) i * Libc.MMSGHDR.byteSize();
            messages.set(ValueLayout.ADDRESS, m + Libc.MSG_NAME, names.asSlice(i * Libc.SOCKADDR_IN_SIZE));
            messages.set(ValueLayout.ADDRESS, m + Libc.MSG_IOV, iovecs.asSlice(i * Libc.IOVEC.byteSize()));
            messages.set(ValueLayout.JAVA_LONG, m + Libc.MSG_IOVLEN, 1);
        }
    }

    public int capacity() {
        return capacity;
    }

    public int slotBytes() {
        return slotBytes;
    }

    /** The memory of all slots. */
    public MemorySegment segment() {
        return frames;
    }

    public long frameOffset(int slot) {
        return (long) slot * slotBytes;
    }

    /** Frame length of a received or prepared slot; 0 for a datagram that did not fit its slot. */
    public int length(int slot) {
        return lengths[slot];
    }

    public void length(int slot, int length) {
        lengths[slot] = length;
    }

    /** Frames held (received, or prepared for sending). */
    public int count() {
        return count;
    }

    public void count(int count) {
        this.count = count;
    }

    /** Points message {@code i}'s single iovec at the slot, skipping {@code skip} header bytes. */
    void iovec(int i, int skip, long length) {
        // A raw address, not a slice: no segment object per packet.
        iovecTo(i, i, skip, length);
    }

    /** Points message {@code message}'s single iovec at slot {@code slot} (a send that skips some slots). */
    void iovecTo(int message, int slot, int skip, long length) {
        long v = message * Libc.IOVEC.byteSize();
        iovecs.set(ValueLayout.JAVA_LONG, v + Libc.IOV_BASE, frames.address() + frameOffset(slot) + skip);
        iovecs.set(ValueLayout.JAVA_LONG, v + Libc.IOV_LEN, length);
    }

    /**
     * Readies every slot for a recvmmsg: each iovec starts {@code skip} bytes into its slot (room
     * left for headers the socket does not deliver), names and flags reset. Returns the bytes a
     * slot can take.
     */
    int prepareReceive(int skip) {
        int room = slotBytes() - skip;
        for (int i = 0; i < capacity(); i++) {
            iovec(i, skip, room);
            nameLength(i, (int) Libc.SOCKADDR_IN_SIZE);
            clearFlags(i);
        }
        return room;
    }

    void nameLength(int i, int length) {
        messages.set(ValueLayout.JAVA_INT, i * Libc.MMSGHDR.byteSize() + Libc.MSG_NAMELEN, length);
    }

    void clearFlags(int i) {
        messages.set(ValueLayout.JAVA_INT, i * Libc.MMSGHDR.byteSize() + Libc.MSG_FLAGS, 0);
    }

    int messageFlags(int i) {
        return messages.get(ValueLayout.JAVA_INT, i * Libc.MMSGHDR.byteSize() + Libc.MSG_FLAGS);
    }

    int messageLength(int i) {
        return messages.get(ValueLayout.JAVA_INT, i * Libc.MMSGHDR.byteSize() + Libc.MSG_LEN);
    }

    long nameOffset(int i) {
        return i * Libc.SOCKADDR_IN_SIZE;
    }

    MemorySegment messagesFrom(int i) {
        return messages.asSlice(i * Libc.MMSGHDR.byteSize());
    }

    @Override
    public void close() {
        arena.close();
    }
}
