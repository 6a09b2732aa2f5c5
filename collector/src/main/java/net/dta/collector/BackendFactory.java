package net.dta.collector;

import net.dta.collector.config.CollectorConfig;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;

/** Creates the RDMA backend for a configuration (the ingest mode picks the implementation). */
@FunctionalInterface
public interface BackendFactory {
    RdmaBackend create(CollectorConfig config) throws RdmaException;
}
