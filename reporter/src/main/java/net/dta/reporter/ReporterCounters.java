package net.dta.reporter;

import net.dta.packetio.status.CounterArray;

/**
 * What one {@link DtaReporter} did. Written only by the reporter's thread, readable from any
 * thread at any time (opaque reads: never torn, eventually current), so a progress display can
 * poll it while the reporter sends.
 *
 * <p>Per-primitive counts are reports handed to the socket by {@link DtaReporter#flush()};
 * {@link #sent()} is what the kernel accepted and {@link #sendErrors()} what it refused (any
 * primitive: sendmmsg reports a failure per message, not per report type).
 */
public final class ReporterCounters {
    private static final int SENT = 0;
    private static final int SEND_ERRORS = 1;
    private static final int SEND_CALLS = 2;
    private static final int BYTES = 3;
    private static final int PRIMITIVES = 4;
    private static final int SIZE = PRIMITIVES + Primitive.values().length;

    private final CounterArray values = new CounterArray(SIZE);

    void flushed(int[] perPrimitive, int accepted, int refused, long bytes) {
        for (int i = 0; i < perPrimitive.length; i++) {
            if (perPrimitive[i] != 0) {
                values.add(PRIMITIVES + i, perPrimitive[i]);
            }
        }
        values.add(SENT, accepted);
        values.add(SEND_ERRORS, refused);
        values.increment(SEND_CALLS);
        values.add(BYTES, bytes);
    }

    /** Reports the kernel accepted. */
    public long sent() {
        return values.get(SENT);
    }

    /** Reports the kernel refused (logged once per reporter with the reason). */
    public long sendErrors() {
        return values.get(SEND_ERRORS);
    }

    /** Flushes that sent something (each is one sendmmsg batch, or a few when the kernel took part of it). */
    public long batches() {
        return values.get(SEND_CALLS);
    }

    /** Report bytes (UDP payload) handed to the socket. */
    public long bytes() {
        return values.get(BYTES);
    }

    /** Reports of one primitive handed to the socket. */
    public long reports(Primitive primitive) {
        return values.get(PRIMITIVES + primitive.ordinal());
    }

    /** Reports of every primitive handed to the socket: {@code sent() + sendErrors()}. */
    public long reports() {
        long sum = 0;
        for (Primitive p : Primitive.values()) {
            sum += reports(p);
        }
        return sum;
    }
}
