package net.dta.packetio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One of the four single-producer/single-consumer rings of an AF_XDP socket, mapped from the
 * kernel: fill and TX (we produce, the kernel consumes) or completion and RX (the kernel produces,
 * we consume). The shared producer and consumer indices are free-running u32 counters; the side
 * that owns an index keeps a local copy and publishes it with a release store, the other side's
 * index is read with an acquire load, so entries are visible before the index that covers them.
 */
@SuppressWarnings("restricted") // the ring is mapped from the kernel: its size is known from XDP_MMAP_OFFSETS
final class XdpRing {
    private static final VarHandle INDEX = ValueLayout.JAVA_INT.varHandle();
    /** XDP_RING_NEED_WAKEUP in the ring's flags word. */
    private static final int NEED_WAKEUP = 1;

    private final MemorySegment mapping;
    private final long producerOffset;
    private final long consumerOffset;
    private final long flagsOffset;
    final long descriptors;
    final int mask;
    final int entryBytes;
    /** Our own index: the producer of a fill/TX ring, the consumer of a completion/RX ring. */
    private int local;

    private XdpRing(MemorySegment mapping, long producer, long consumer, long descriptors, long flags,
                    int size, int entryBytes, boolean weProduce) {
        this.mapping = mapping;
        this.producerOffset = producer;
        this.consumerOffset = consumer;
        this.flagsOffset = flags;
        this.descriptors = descriptors;
        this.mask = size - 1;
        this.entryBytes = entryBytes;
        this.local = weProduce ? (int) INDEX.getAcquire(mapping, producer) : (int) INDEX.getAcquire(mapping, consumer);
    }

    /**
     * Maps a ring of {@code size} entries of {@code entryBytes} at page offset {@code pageOffset} of
     * socket {@code fd}; {@code offsets} holds the ring's struct xdp_ring_offset (producer,
     * consumer, desc, flags).
     */
    static XdpRing map(NativeSocket socket, long pageOffset, MemorySegment offsets, long base, int size, int entryBytes,
                       boolean weProduce, String what) throws IOException {
        long producer = offsets.get(ValueLayout.JAVA_LONG, base);
        long consumer = offsets.get(ValueLayout.JAVA_LONG, base + 8);
        long desc = offsets.get(ValueLayout.JAVA_LONG, base + 16);
        long flags = offsets.get(ValueLayout.JAVA_LONG, base + 24);
        long length = desc + (long) size * entryBytes;
        MemorySegment m = Libc.mmap(socket.errno, length, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_SHARED | Libc.MAP_POPULATE, socket.fd, pageOffset);
        if (m.address() == -1L) {
            throw new IOException("cannot map the AF_XDP " + what + " ring: " + Libc.strerror(socket.lastErrno()));
        }
        return new XdpRing(m.reinterpret(length), producer, consumer, desc, flags, size, entryBytes, weProduce);
    }

    MemorySegment memory() {
        return mapping;
    }

    // --- consumer side (RX, completion) ---

    /** Entries the kernel produced that we have not consumed yet. */
    int available() {
        return (int) INDEX.getAcquire(mapping, producerOffset) - local;
    }

    /** Offset in {@link #memory()} of the {@code i}-th entry after our index. */
    long entry(int i) {
        return descriptors + (long) ((local + i) & mask) * entryBytes;
    }

    /** Releases {@code n} consumed entries back to the kernel. */
    void consume(int n) {
        local += n;
        INDEX.setRelease(mapping, consumerOffset, local);
    }

    // --- producer side (fill, TX) ---

    /** Free entries we may produce into. */
    int free() {
        return mask + 1 - (local - (int) INDEX.getAcquire(mapping, consumerOffset));
    }

    /** Publishes {@code n} entries written at {@link #entry}(0..n-1). */
    void produce(int n) {
        local += n;
        INDEX.setRelease(mapping, producerOffset, local);
    }

    /** Whether the kernel consumed everything we produced. */
    boolean drained() {
        return (int) INDEX.getAcquire(mapping, consumerOffset) == local;
    }

    /** Whether the kernel asks to be woken up (a syscall) before it looks at this ring again. */
    boolean needsWakeup() {
        return ((int) INDEX.getAcquire(mapping, flagsOffset) & NEED_WAKEUP) != 0;
    }

    void unmap(MemorySegment errno) {
        Libc.munmap(errno, mapping, mapping.byteSize());
    }
}
