package net.dta.rdma.soft;

import java.lang.foreign.MemorySegment;

import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;

/** Replies collected in a {@link PacketBatch} and sent with one sendmmsg per batch. */
final class BatchReplySink implements ReplySink {
    private final PacketBatch batch;
    private final PacketChannel channel;
    private final EndpointStats stats;
    private int count;

    BatchReplySink(PacketBatch batch, PacketChannel channel, EndpointStats stats) {
        this.batch = batch;
        this.channel = channel;
        this.stats = stats;
    }

    @Override
    public MemorySegment segment() {
        return batch.segment();
    }

    @Override
    public long claim() {
        if (count == batch.capacity()) {
            flush();
        }
        return batch.frameOffset(count);
    }

    @Override
    public void commit(int frameLength) {
        batch.length(count, frameLength);
        count++;
    }

    /** Sends what is queued. */
    void flush() {
        if (count > 0) {
            int sent = channel.send(batch, count);
            stats.counters.add(EndpointStats.PACKETS_SENT, sent);
            count = 0;
        }
    }
}
