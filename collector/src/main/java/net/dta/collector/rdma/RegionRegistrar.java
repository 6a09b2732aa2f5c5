package net.dta.collector.rdma;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.collector.state.CollectorState;
import net.dta.collector.state.RegionDescriptor;
import net.dta.collector.state.StateException;
import net.dta.collector.store.StoreFile;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;

/**
 * Registers memory with the backend, asking for the descriptors of the previous run so that a
 * restarted collector advertises the same va and rkeys (the software backend honours the
 * request; a NIC picks its own, and then the translator must re-read the catalog, which the
 * boot id in the REP tells its controller). What was granted is persisted at once.
 */
public final class RegionRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(RegionRegistrar.class);

    private final RdmaBackend backend;
    private final CollectorState state;

    public RegionRegistrar(RdmaBackend backend, CollectorState state) {
        this.backend = backend;
        this.state = state;
    }

    /** A registered store: the file and the region the network writes. */
    public record StoreRegion(StoreFile file, RegisteredRegion region) {
        public CatalogEntry catalogEntry() {
            return new CatalogEntry(file.definition(), region.va(), region.length(), region.rkeys());
        }
    }

    /** Registers every store's data area; on failure, deregisters those already done. */
    public List<StoreRegion> registerStores(Iterable<StoreFile> files) throws RdmaException, StateException {
        List<StoreRegion> out = new ArrayList<>();
        try {
            for (StoreFile f : files) {
                int id = f.definition().storeId();
                RegisteredRegion r = register(f.data(), StoreAccessRights.of(f.definition().kind()),
                        state.storeRegion(id), "store " + f.definition().name());
                out.add(new StoreRegion(f, r));
                state.putStoreRegion(id, descriptor(r));
            }
            return out;
        } catch (RdmaException | StateException | RuntimeException e) {
            for (StoreRegion r : out) {
                backend.deregister(r.region());
            }
            throw e;
        }
    }

    /** Registers the catalog's memory (remote read only) and persists its descriptor. */
    public RegisteredRegion registerCatalog(java.lang.foreign.MemorySegment memory) throws RdmaException, StateException {
        RegisteredRegion r = register(memory, StoreAccessRights.catalog(), state.catalogRegion(), "catalog");
        state.putCatalogRegion(descriptor(r));
        return r;
    }

    private RegisteredRegion register(java.lang.foreign.MemorySegment memory, Set<Access> access,
                                      Optional<RegionDescriptor> previous, String what) throws RdmaException {
        if (previous.isPresent()) {
            RegionDescriptor p = previous.get();
            int segments = CatalogEntry.segmentsFor(memory.byteSize());
            if (p.rkeys().length == segments) {
                try {
                    RegisteredRegion r = backend.register(memory, access, new RegionRequest(p.va(), p.rkeys()));
                    if (r.va() != p.va() || !java.util.Arrays.equals(r.rkeys(), p.rkeys())) {
                        LOG.warn("{}: the {} backend gave new descriptors ({} instead of {}); the translator must re-read the catalog",
                                what, backend.name(), descriptor(r), p);
                    }
                    return r;
                } catch (RdmaException e) {
                    LOG.warn("{}: cannot keep the previous descriptors {} ({}); registering anew", what, p, e.getMessage());
                }
            }
        }
        return backend.register(memory, access, RegionRequest.ANY);
    }

    public static RegionDescriptor descriptor(RegisteredRegion r) {
        return new RegionDescriptor(r.va(), r.length(), r.rkeys());
    }
}
