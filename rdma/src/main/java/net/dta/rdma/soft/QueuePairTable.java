package net.dta.rdma.soft;

import java.util.Arrays;
import java.util.List;

/**
 * The endpoint's queue pairs by QPN: an open-addressing int map for the per-packet lookup (no
 * boxing), mutated only by the endpoint thread (or before it starts), plus a volatile array
 * snapshot republished on each change for status readers on other threads.
 */
final class QueuePairTable {
    private int[] keys = new int[64];
    private QueuePair[] values = new QueuePair[64];
    private int size;
    private volatile QueuePair[] snapshot = new QueuePair[0];

    QueuePair get(int qpn) {
        int mask = keys.length - 1;
        int slot = hash(qpn) & mask;
        while (values[slot] != null) {
            if (keys[slot] == qpn) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    void put(QueuePair qp) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(qp);
        publish();
    }

    void remove(int qpn) {
        QueuePair[] all = live();
        int[] oldKeys = keys;
        keys = new int[oldKeys.length];
        values = new QueuePair[oldKeys.length];
        size = 0;
        for (QueuePair qp : all) {
            if (qp.qpn != qpn) {
                insert(qp);
            }
        }
        publish();
    }

    /** For status readers on any thread. */
    List<QueuePair> snapshot() {
        return List.of(snapshot);
    }

    /** Endpoint thread: the queue pairs in table order. */
    QueuePair[] live() {
        QueuePair[] out = new QueuePair[size];
        int n = 0;
        for (QueuePair v : values) {
            if (v != null) {
                out[n++] = v;
            }
        }
        return out;
    }

    int size() {
        return size;
    }

    private void insert(QueuePair qp) {
        int mask = keys.length - 1;
        int slot = hash(qp.qpn) & mask;
        while (values[slot] != null && keys[slot] != qp.qpn) {
            slot = (slot + 1) & mask;
        }
        if (values[slot] == null) {
            size++;
        }
        keys[slot] = qp.qpn;
        values[slot] = qp;
    }

    private void grow() {
        QueuePair[] all = live();
        keys = new int[keys.length * 2];
        values = new QueuePair[values.length * 2];
        size = 0;
        for (QueuePair qp : all) {
            insert(qp);
        }
    }

    private void publish() {
        QueuePair[] all = live();
        Arrays.sort(all, (a, b) -> Integer.compare(a.qpn, b.qpn));
        snapshot = all;
    }

    private static int hash(int qpn) {
        int h = qpn * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
