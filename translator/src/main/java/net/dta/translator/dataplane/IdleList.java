package net.dta.translator.dataplane;

/**
 * Entries (postcard cache entries, Append list slots) ordered by the time they were last touched,
 * as an intrusive doubly-linked list over their indices: touching moves an entry to the tail in
 * O(1), and the idle-flush timer only looks at the head. Allocation-free; one thread.
 */
final class IdleList {
    private static final int NONE = -1;
    private static final int OUT = -2;

    private final int[] prev;
    private final int[] next;
    private final long[] time;
    private int head = NONE;
    private int tail = NONE;
    private int size;

    IdleList(int capacity) {
        prev = new int[capacity];
        next = new int[capacity];
        time = new long[capacity];
        java.util.Arrays.fill(prev, OUT);
    }

    boolean contains(int i) {
        return prev[i] != OUT;
    }

    long time(int i) {
        return time[i];
    }

    int head() {
        return head;
    }

    int size() {
        return size;
    }

    /** Marks the entry as used at {@code now}: it becomes the most recent. */
    void touch(int i, long now) {
        remove(i);
        time[i] = now;
        prev[i] = tail;
        next[i] = NONE;
        if (tail != NONE) {
            next[tail] = i;
        } else {
            head = i;
        }
        tail = i;
        size++;
    }

    void remove(int i) {
        if (prev[i] == OUT) {
            return;
        }
        int p = prev[i];
        int n = next[i];
        if (p != NONE) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n != NONE) {
            prev[n] = p;
        } else {
            tail = p;
        }
        prev[i] = OUT;
        size--;
    }

    void clear() {
        while (head != NONE) {
            remove(head);
        }
    }
}
