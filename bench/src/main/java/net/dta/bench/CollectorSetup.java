package net.dta.bench;

import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;

/** One way of collecting reports that the collector-CPU benchmark measures. */
public interface CollectorSetup extends AutoCloseable {
    /** dta, classic, chronicle. */
    String name();

    /** Where reports are sent. */
    ReporterOptions target();

    /** The thread whose CPU time is the collector's: the RDMA responder, or the classic receive loop. */
    Thread collectorThread();

    /** The translator's data-plane thread, or null when there is none. */
    Thread translatorThread();

    /** Reports of a primitive that reached the stores (or the translator accepted, for DTA). */
    long delivered(Primitive p);

    /** Packets the collector thread received (reports for a classic collector, RoCEv2 requests for DTA). */
    long collectorPackets();

    /** RDMA requests the translator sent (-1 without a translator). */
    default long requestsSent() {
        return -1;
    }

    /** RDMA requests the collector executed (-1 without a translator). */
    default long requestsExecuted() {
        return -1;
    }

    /** A line about losses and errors on the way (empty when there is nothing to say). */
    default String health() {
        return "";
    }

    @Override
    void close() throws Exception;
}
