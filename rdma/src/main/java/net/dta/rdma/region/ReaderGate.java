package net.dta.rdma.region;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets a writer of a published table wait until the single reader thread no longer uses an older
 * one, so that memory of a deregistered region can be unmapped safely.
 *
 * <p>The reader marks itself inside (version 0: "oldest") before it reads the table reference,
 * then records the version it got; the writer publishes first and then waits while the reader is
 * inside with a version older than the published one. Volatile ordering makes the two agree:
 * a reader that enters after the publication reads the new table. Three volatile writes per
 * batch, not per packet.
 */
public final class ReaderGate {
    private static final long OUTSIDE = -1;
    private volatile long insideVersion = OUTSIDE;

    void enterUnknown() {
        insideVersion = 0;
    }

    void using(long version) {
        insideVersion = version;
    }

    public void exit() {
        insideVersion = OUTSIDE;
    }

    /** Waits (bounded) until the reader is outside or uses {@code version} or newer. */
    void awaitReadersPast(long version, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long v = insideVersion;
            if (v == OUTSIDE || v >= version || System.nanoTime() - deadline > 0) {
                return;
            }
            LockSupport.parkNanos(50_000);
        }
    }
}
