package net.dta.rdma.soft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;

/**
 * One data-plane thread of the endpoint, Aeron-agent style: receive a batch from its own channel
 * (recvmmsg, waiting up to the channel's poll timeout), run every frame through its
 * {@link Responder}, send the replies as one batch (sendmmsg): WRITE ACKs, and an ATOMIC ACK per
 * FETCH_ADD, written in place in the reply batch, one system call per received batch. It is the
 * single writer of the queue pairs it owns; status is read elsewhere from counters.
 *
 * <p>An {@link Error} (an OutOfMemoryError, a StackOverflowError) stops the loop: going on would
 * log it at line rate with the responder in an unknown state. The failure is kept for status and
 * health ({@link #failure()}), as the translator's data plane does.
 */
final class ResponderAgent implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderAgent.class);

    private final PacketChannel channel;
    private final Responder responder;
    private final PacketBatch received;
    private final BatchReplySink replies;
    private final boolean verifyIcrc;
    private volatile boolean running = true;
    private volatile Throwable failure;

    ResponderAgent(PacketChannel channel, Responder responder, PacketBatch received, BatchReplySink replies) {
        this.channel = channel;
        this.responder = responder;
        this.received = received;
        this.replies = replies;
        this.verifyIcrc = channel.seesIpHeader();
    }

    /** One receive-process-send round; returns the frames processed (0 after a poll timeout). */
    int doWork() {
        int n = channel.receive(received);
        if (n == 0) {
            return 0;
        }
        responder.beginBatch();
        try {
            for (int i = 0; i < n; i++) {
                responder.onFrame(received.segment(), received.frameOffset(i), received.length(i), verifyIcrc, replies);
            }
        } finally {
            responder.endBatch();
        }
        replies.flush();
        return n;
    }

    @Override
    public void run() {
        LOG.info("responder running on {}", channel.describe());
        while (running) {
            try {
                doWork();
            } catch (RuntimeException e) {
                // Per-packet errors are handled in the responder; this is the last line of defence.
                LOG.error("responder loop error; continuing", e);
            } catch (Error e) {
                failure = e;
                running = false;
                LOG.error("the responder on {} stopped: {}", channel.describe(), e.toString(), e);
                return;
            }
        }
        LOG.info("responder on {} stopped", channel.describe());
    }

    /** Why the loop stopped on its own (an Error), or null. */
    Throwable failure() {
        return failure;
    }

    void stop() {
        running = false;
    }
}
