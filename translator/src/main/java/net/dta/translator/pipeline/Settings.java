package net.dta.translator.pipeline;

/**
 * The translator settings of {@code Ingress.dta_settings} (translator-control.md 1): AckReq
 * interval, idle flush interval of postcard entries and Append batches, liveness probe interval.
 */
public record Settings(int ackIntervalLog2, long flushIntervalMicros, int probeIntervalMillis) {
    /** Until the controller writes the default entry: AckReq every 64 packets, 1 ms flush, 100 ms probes. */
    public static final Settings DEFAULT = new Settings(6, 1000, 100);

    /** The PSN bits that must be zero for AckReq (protocol.md 5.6); 2^24 and more: only PSN 0. */
    public int ackMask() {
        return ackIntervalLog2 >= 24 ? 0xFF_FFFF : (1 << ackIntervalLog2) - 1;
    }

    public long flushIntervalNanos() {
        return flushIntervalMicros * 1_000L;
    }

    public long probeIntervalNanos() {
        return probeIntervalMillis * 1_000_000L;
    }
}
