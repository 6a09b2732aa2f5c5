package net.dta.bench.classic;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.report.Report;

/**
 * Where a {@link ClassicCollector} puts the reports it parsed: the DTA store files
 * ({@link StoreFileSink}) or Chronicle Maps ({@link ChronicleSink}). Called only from the
 * collector's receive thread; no allocation per report.
 */
public interface ReportSink extends AutoCloseable {
    /** The store a report names, or null for an unknown store id. */
    StoreDefinition store(int storeId);

    /** Applies one report that passed every check of protocol.md 2.5 against {@link #store}. */
    void apply(Report report, StoreDefinition store, long nowNanos);

    /** Called between batches: writes postcard rows idle for the flush interval (a bounded amount of work). */
    void idle(long nowNanos);

    /** Postcard rows written so far (complete paths, evictions and idle flushes). */
    long postcardRows();

    /** One line for logs and benchmark tables. */
    String describe();

    /** Writes what is still cached (postcard rows), then releases the stores. */
    @Override
    void close();
}
