package net.dta.rdma.soft;

import java.util.Arrays;
import java.util.List;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * The endpoint's queue pairs by QPN: an int map for the per-packet lookup (no boxing), mutated
 * only by the endpoint thread (or before it starts), plus a volatile array snapshot republished on
 * each change for status readers on other threads.
 */
final class QueuePairTable {
    private final Int2ObjectHashMap<QueuePair> byQpn = new Int2ObjectHashMap<>();
    private volatile QueuePair[] snapshot = new QueuePair[0];

    QueuePair get(int qpn) {
        return byQpn.get(qpn);
    }

    void put(QueuePair qp) {
        byQpn.put(qp.qpn, qp);
        publish();
    }

    void remove(int qpn) {
        byQpn.remove(qpn);
        publish();
    }

    /** For status readers on any thread. */
    List<QueuePair> snapshot() {
        return List.of(snapshot);
    }

    /** Endpoint thread: the queue pairs (a copy: callers may change the table while they iterate). */
    QueuePair[] live() {
        return byQpn.values().toArray(new QueuePair[0]);
    }

    int size() {
        return byQpn.size();
    }

    private void publish() {
        QueuePair[] all = live();
        Arrays.sort(all, (a, b) -> Integer.compare(a.qpn, b.qpn));
        snapshot = all;
    }
}
