package net.dta.protocol.telemetry;

/**
 * The per-hop metadata of one packet's path, hop 0 first (the INT source), as
 * {@link IntReportWriter#mdSinkReport} writes it. Mutable and reused.
 */
public final class IntHops {
    public static final int MAX = 8;

    public int count;
    public final int[] nodeId = new int[MAX];
    public final int[] hopLatency = new int[MAX];
    public final int[] queueId = new int[MAX];
    public final int[] queueOccupancy = new int[MAX];

    /** Sets hop {@code h} (and makes the path at least h + 1 hops long). */
    public IntHops hop(int h, int node, int latency, int queue, int occupancy) {
        nodeId[h] = node;
        hopLatency[h] = latency;
        queueId[h] = queue;
        queueOccupancy[h] = occupancy & 0xFF_FFFF;
        count = Math.max(count, h + 1);
        return this;
    }
}
