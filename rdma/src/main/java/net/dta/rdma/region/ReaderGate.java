package net.dta.rdma.region;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets a writer of a published table wait until the reader threads (one per data-plane thread of
 * the responder, each with its index) no longer use an older one, so that memory of a
 * deregistered region can be unmapped safely.
 *
 * <p>A reader marks itself inside (version 0: "oldest") before it reads the table reference,
 * then records the version it got; the writer publishes first and then waits while any reader is
 * inside with a version older than the published one. Volatile ordering makes the two agree:
 * a reader that enters after the publication reads the new table. Three volatile writes per
 * batch, not per packet; each reader writes only its own slot (slots 8 longs apart: no false
 * sharing between the threads).
 */
public final class ReaderGate {
    private static final long OUTSIDE = -1;
    private static final int STRIDE = 8;
    private final AtomicLongArray insideVersion;
    private final int readers;

    public ReaderGate() {
        this(1);
    }

    public ReaderGate(int readers) {
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be >= 1, got " + readers);
        }
        this.readers = readers;
        this.insideVersion = new AtomicLongArray(readers * STRIDE);
        for (int i = 0; i < readers; i++) {
            insideVersion.set(i * STRIDE, OUTSIDE);
        }
    }

    int readers() {
        return readers;
    }

    void enterUnknown(int reader) {
        insideVersion.set(reader * STRIDE, 0);
    }

    void using(int reader, long version) {
        insideVersion.set(reader * STRIDE, version);
    }

    public void exit(int reader) {
        insideVersion.set(reader * STRIDE, OUTSIDE);
    }

    /** Waits (bounded) until every reader is outside or uses {@code version} or newer. */
    void awaitReadersPast(long version, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (int i = 0; i < readers; i++) {
            while (true) {
                long v = insideVersion.get(i * STRIDE);
                if (v == OUTSIDE || v >= version || System.nanoTime() - deadline > 0) {
                    break;
                }
                LockSupport.parkNanos(50_000);
            }
        }
    }
}
