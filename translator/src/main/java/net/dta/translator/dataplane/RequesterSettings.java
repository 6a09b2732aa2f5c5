package net.dta.translator.dataplane;

/**
 * How the software translator acts as an RC requester (protocol.md 5.6; docs/translator.md,
 * {@code dataplane.retransmit*}).
 *
 * @param retransmit   go-back-N from the ring after a sequence NAK or the timeout (a retransmitting
 *                     requester); false: rewind to the NAK's PSN and count what was sent after it
 *                     lost, as the P4 translators do (a switch requester)
 * @param window       requests outstanding per queue pair at most (a power of two; window - 1 - 3
 *                     for reports, 3 kept for probes); more are dropped and counted
 * @param timeoutNanos no acknowledgement for this long while requests are outstanding: go back to
 *                     the first request not acknowledged (retransmitting requester only)
 */
public record RequesterSettings(boolean retransmit, int window, long timeoutNanos) {
    public static final int DEFAULT_WINDOW = 1024;
    /**
     * 50 ms: above the round trip of software responders and emulated guests (with 1 ms the PSN
     * queries of a lightly loaded queue pair, whose ACKs come every 64 requests, doubled the packets
     * a collector received, and an rxe guest under TCG was queried and resent into the ground:
     * docs/interop.md, "nak"); a NAK still brings a resend at once.
     */
    public static final long DEFAULT_TIMEOUT_MICROS = 50_000;
    public static final RequesterSettings DEFAULT = new RequesterSettings(true, DEFAULT_WINDOW, DEFAULT_TIMEOUT_MICROS * 1000);

    public RequesterSettings {
        if (Integer.bitCount(window) != 1 || window < 16) {
            throw new IllegalArgumentException("the retransmit window must be a power of two >= 16, got " + window);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the retransmit timeout must be positive, got " + timeoutNanos + " ns");
        }
    }
}
