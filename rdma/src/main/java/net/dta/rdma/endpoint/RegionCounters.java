package net.dta.rdma.endpoint;

import java.util.concurrent.atomic.LongAdder;

/** What requests did to one region (updated by the endpoint, read by status and metrics). */
public final class RegionCounters {
    public final LongAdder writes = new LongAdder();
    public final LongAdder writeBytes = new LongAdder();
    public final LongAdder atomics = new LongAdder();
    public final LongAdder reads = new LongAdder();
    public final LongAdder readBytes = new LongAdder();
    public final LongAdder accessErrors = new LongAdder();
}
