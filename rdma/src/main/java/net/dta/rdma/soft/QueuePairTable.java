package net.dta.rdma.soft;

import java.util.Arrays;
import java.util.List;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * All the endpoint's queue pairs by QPN, as the CM side sees them: an int map mutated only by the
 * thread that runs CM (or before the threads start), plus a volatile array snapshot republished
 * on each change for status readers on other threads. Every change is handed to the data-plane
 * thread that owns the queue pair ({@link OwnedQueuePairs}: QPN mod threads), which serves its
 * packets from its own map.
 */
final class QueuePairTable {
    private final Int2ObjectHashMap<QueuePair> byQpn = new Int2ObjectHashMap<>();
    private final OwnedQueuePairs[] owners;
    private volatile QueuePair[] snapshot = new QueuePair[0];

    QueuePairTable(OwnedQueuePairs[] owners) {
        this.owners = owners;
    }

    QueuePair get(int qpn) {
        return byQpn.get(qpn);
    }

    void put(QueuePair qp) {
        byQpn.put(qp.qpn, qp);
        publish();
        ownerOf(qp.qpn).adopt(qp);
    }

    void remove(int qpn) {
        QueuePair qp = byQpn.remove(qpn);
        publish();
        if (qp != null) {
            ownerOf(qpn).release(qp);
        }
    }

    private OwnedQueuePairs ownerOf(int qpn) {
        return owners[Integer.remainderUnsigned(qpn, owners.length)];
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
