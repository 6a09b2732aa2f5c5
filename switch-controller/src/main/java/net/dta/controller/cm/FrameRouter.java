package net.dta.controller.cm;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands frames that came back from collectors (CM MADs, READ responses) to the connection
 * attempt waiting for them, by the frame's source IPv4 address. Frames from an address nobody
 * waits for are counted and dropped. Thread-safe: frames arrive on gRPC threads.
 */
public final class FrameRouter {
    private static final int ETHERNET = 14;
    private static final int INBOX_LIMIT = 8192;

    private final Map<Integer, BlockingQueue<byte[]>> inboxes = new ConcurrentHashMap<>();
    private final AtomicLong unrouted = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();

    /** Opens (or returns) the inbox of frames from {@code sourceIp}. */
    public Inbox open(int sourceIp) {
        BlockingQueue<byte[]> q = inboxes.computeIfAbsent(sourceIp, k -> new LinkedBlockingQueue<>(INBOX_LIMIT));
        return new Inbox(q);
    }

    /** Stops routing frames from {@code sourceIp}. */
    public void close(int sourceIp) {
        inboxes.remove(sourceIp);
    }

    /** Delivers a frame; false when it is not IPv4 or nobody waits for its source. */
    public boolean deliver(byte[] frame) {
        if (frame.length < ETHERNET + 20 || (frame[12] & 0xFF) != 0x08 || frame[13] != 0x00) {
            unrouted.incrementAndGet();
            return false;
        }
        int src = (frame[ETHERNET + 12] & 0xFF) << 24 | (frame[ETHERNET + 13] & 0xFF) << 16
                | (frame[ETHERNET + 14] & 0xFF) << 8 | (frame[ETHERNET + 15] & 0xFF);
        BlockingQueue<byte[]> q = inboxes.get(src);
        if (q == null) {
            unrouted.incrementAndGet();
            return false;
        }
        if (!q.offer(frame)) {
            overflows.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Frames that had nobody to go to. */
    public long unrouted() {
        return unrouted.get();
    }

    /** Frames dropped because an inbox was full. */
    public long overflows() {
        return overflows.get();
    }

    /** The frames from one collector. */
    public static final class Inbox {
        private final BlockingQueue<byte[]> queue;

        Inbox(BlockingQueue<byte[]> queue) {
            this.queue = queue;
        }

        /** The next frame, or null after {@code millis} without one. */
        public byte[] poll(long millis) throws InterruptedException {
            return queue.poll(Math.max(0, millis), TimeUnit.MILLISECONDS);
        }

        /** Drops frames left over from an earlier attempt. */
        public void clear() {
            queue.clear();
        }
    }
}
