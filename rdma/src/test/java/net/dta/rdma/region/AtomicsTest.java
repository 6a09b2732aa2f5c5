package net.dta.rdma.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/** FETCH_ADD semantics: big-endian in memory, previous value returned, no lost update under contention. */
class AtomicsTest {
    @Test
    void shouldStoreTheSumBigEndian() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(16, 8);
            assertEquals(0, Atomics.fetchAddBigEndian(m, 8, 1500));
            assertEquals(1500, Atomics.fetchAddBigEndian(m, 8, 500));
            assertEquals(2000, m.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8));
            assertEquals((byte) 0xD0, m.get(ValueLayout.JAVA_BYTE, 15), "least significant byte last");
            assertEquals(0, Atomics.fetchAddLittleEndian(m, 0, 0x0102));
            assertEquals((byte) 0x02, m.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldWrapModulo2To64() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(8, 8);
            Atomics.fetchAddBigEndian(m, 0, -1L);
            assertEquals(-1L, Atomics.fetchAddBigEndian(m, 0, 2));
            assertEquals(1L, Atomics.loadBigEndian(m, 0));
        }
    }

    @Test
    void shouldNotLoseIncrementsUnderContention() throws InterruptedException {
        int threads = 4;
        int perThread = 200_000;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            CountDownLatch start = new CountDownLatch(1);
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int n = 0; n < perThread; n++) {
                        // Deltas that carry across bytes, so a torn or swapped update would show.
                        Atomics.fetchAddBigEndian(m, 8, 0x0101_0101L);
                        Atomics.fetchAddBigEndian(m, 8, -0x0101_0100L);
                    }
                });
                workers[i].start();
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            assertEquals((long) threads * perThread, Atomics.loadBigEndian(m, 8));
        }
    }
}
