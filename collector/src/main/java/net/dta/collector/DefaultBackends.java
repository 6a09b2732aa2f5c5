package net.dta.collector;

import net.dta.collector.config.CollectorConfig;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;

/** The backends of the rdma module, chosen by the configuration's ingest mode. */
public final class DefaultBackends implements BackendFactory {
    @Override
    public RdmaBackend create(CollectorConfig config) throws RdmaException {
        throw new RdmaException("ingest mode " + config.network().ingest().configName() + " is not available in this build");
    }
}
