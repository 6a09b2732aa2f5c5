package net.dta.rdma.soft;

import java.util.concurrent.ConcurrentLinkedQueue;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * The queue pairs one data-plane thread owns (those whose QPN mod threads is its index): an int
 * map only that thread reads and writes (the per-packet lookup: no lock, no boxing), and an inbox
 * through which the CM thread hands it new queue pairs and takes closed ones away. The owner
 * applies the inbox at the start of each receive batch ({@link #applyChanges}: one volatile read
 * when it is empty), never per packet.
 *
 * <p>Why that is soon enough: the CM thread queues a new queue pair before it sends the REP, and
 * the requester sends its first request after the REP, so the batch that holds that request is
 * received after the queue pair was queued.
 */
final class OwnedQueuePairs {
    private record Change(QueuePair queuePair, boolean add) {
    }

    private final Int2ObjectHashMap<QueuePair> byQpn = new Int2ObjectHashMap<>();
    private final ConcurrentLinkedQueue<Change> inbox = new ConcurrentLinkedQueue<>();

    /** Owner thread. */
    QueuePair get(int qpn) {
        return byQpn.get(qpn);
    }

    /** Any thread: the owner serves this queue pair from its next batch on. */
    void adopt(QueuePair qp) {
        inbox.offer(new Change(qp, true));
    }

    /** Any thread: the owner forgets this queue pair at its next batch. */
    void release(QueuePair qp) {
        inbox.offer(new Change(qp, false));
    }

    /** Owner thread, once per batch. */
    void applyChanges() {
        if (inbox.isEmpty()) {
            return;
        }
        Change c;
        while ((c = inbox.poll()) != null) {
            if (c.add()) {
                byQpn.put(c.queuePair().qpn, c.queuePair());
            } else if (byQpn.get(c.queuePair().qpn) == c.queuePair()) {
                byQpn.remove(c.queuePair().qpn);
            }
        }
    }

    /** Owner thread: how many it serves now. */
    int size() {
        return byQpn.size();
    }
}
