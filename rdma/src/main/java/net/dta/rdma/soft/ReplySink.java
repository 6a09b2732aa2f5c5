package net.dta.rdma.soft;

import java.lang.foreign.MemorySegment;

/**
 * Where the responder writes reply frames: {@link #claim} gives the offset of a free frame slot
 * in {@link #segment} (sending what is queued first when the batch is full), {@link #commit}
 * queues the frame written there.
 */
interface ReplySink {
    MemorySegment segment();

    long claim();

    void commit(int frameLength);
}
