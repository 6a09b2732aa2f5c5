package net.dta.rdma.soft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;

/**
 * The endpoint's one thread, Aeron-agent style: receive a batch (recvmmsg, waiting up to the
 * channel's poll timeout), run every frame through the {@link Responder}, send the replies as one
 * batch (sendmmsg). It is the single writer of queue-pair state; status is read elsewhere from
 * counters.
 */
final class ResponderAgent implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderAgent.class);

    private final PacketChannel channel;
    private final Responder responder;
    private final PacketBatch received;
    private final BatchReplySink replies;
    private final boolean verifyIcrc;
    private volatile boolean running = true;

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
            } catch (RuntimeException | Error e) {
                // Per-packet errors are handled in the responder; this is the last line of defence.
                LOG.error("responder loop error; continuing", e);
            }
        }
        LOG.info("responder on {} stopped", channel.describe());
    }

    void stop() {
        running = false;
    }
}
