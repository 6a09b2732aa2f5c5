package net.dta.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import net.dta.protocol.layout.AppendLayout;

class AppendStoreTest {
    final AppendLayout layout = new AppendLayout(2, 4);
    final MemorySegment data = Arena.ofAuto().allocate(layout.dataLength(), 8);
    final AppendStore store = new AppendStore(data, layout);

    private void append(int list, long fromPosition, long toPosition) {
        for (long p = fromPosition; p < toPosition; p++) {
            AppendStore.encodeEntry(p, (int) (1000 + p), data, layout.entryOffset(list, p));
        }
    }

    @Test
    void readerStopsAtTheTailAndResumesThere() {
        append(0, 0, 5);
        AppendStore.Batch first = store.read(0, 0, 100);
        assertEquals(5, first.entries().size());
        assertEquals(5, first.next());
        append(0, 5, 9);
        AppendStore.Batch second = store.read(0, first.next(), 100);
        assertEquals(4, second.entries().size());
        assertEquals(1005, second.entries().get(0).value());
        assertEquals(0, second.overrun());
    }

    @Test
    void overwrittenEntriesAreCountedNeverReturned() {
        append(1, 0, 40);
        AppendStore.Batch b = store.read(1, 3, 100);
        // The ring holds the last 16 entries (24..39): 3..23 are gone.
        assertEquals(21, b.overrun());
        assertEquals(16, b.entries().size());
        assertEquals(24, b.entries().get(0).position());
        assertEquals(1024, b.entries().get(0).value());
        assertEquals(40, b.next());
        for (AppendStore.Entry e : b.entries()) {
            assertEquals(1000 + e.position(), e.value(), "entry " + e.position() + " has another position's value");
        }
    }

    @Test
    void otherListsAreUntouched() {
        append(0, 0, 3);
        assertTrue(store.read(1, 0, 10).entries().isEmpty());
    }

    @Test
    void sequenceWrapsAtTwoToTheThirtyTwo() {
        long start = (1L << 32) - 5;
        append(0, start, start + 10);
        AppendStore.Batch b = store.read(0, start, 100);
        assertEquals(10, b.entries().size());
        assertEquals(0, b.overrun());
        assertEquals(start + 10, b.next());
    }

    @Test
    void tailRecoveryFindsTheNewestEntry() {
        assertEquals(0, store.recoverTail(0));
        append(0, 0, 37);
        assertEquals(37, store.recoverTail(0));
    }

    @Test
    void anUnwrittenSlotAtTheEndOfASequenceEpochIsNotAnEntry() {
        // Issue 13 item 13: from=4294967295 returned the unwritten slot as an entry of value 0.
        AppendStore.Batch empty = store.read(0, (1L << 32) - 1, 10);
        assertTrue(empty.entries().isEmpty(), "nothing was written: " + empty.entries());
        assertEquals((1L << 32) - 1, empty.next());
        append(0, 0, 3);
        assertTrue(store.read(0, (1L << 32) - 1, 10).entries().isEmpty(), "a fresh list's entries are not positions 2^32..");
    }

    @Test
    void theEntryWithSequenceZeroIsReadBehindItsPredecessor() {
        long last = (1L << 32) - 1;
        append(0, last - 3, last + 1);
        AppendStore.Batch b = store.read(0, last, 10);
        assertEquals(1, b.entries().size(), "entry 2^32-1 itself, found after entry 2^32-2");
        assertEquals(last, b.entries().get(0).position());
        assertEquals((int) (1000 + last) & 0xFFFF_FFFFL, b.entries().get(0).value());
        append(0, last + 1, last + 3);
        assertEquals(3, store.read(0, last, 10).entries().size());
    }
}
