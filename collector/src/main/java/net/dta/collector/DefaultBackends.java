package net.dta.collector;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.IngestMode;
import net.dta.rdma.disni.DisniBackend;
import net.dta.rdma.disni.DisniConfig;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.soft.SoftRoceBackend;
import net.dta.rdma.soft.SoftRoceConfig;
import net.dta.packetio.wire.UdpHeader;

/** The backends of the rdma module, chosen by the configuration's ingest mode. */
public final class DefaultBackends implements BackendFactory {
    @Override
    public RdmaBackend create(CollectorConfig config) throws RdmaException {
        CollectorConfig.Network net = config.network();
        return switch (net.ingest()) {
            case UDP, RAW, XDP -> {
                if (net.rocePort() != UdpHeader.ROCE_PORT) {
                    throw new RdmaException("network.roce-port is " + net.rocePort() + ", but the software responder listens on "
                            + UdpHeader.ROCE_PORT + " only (as every RoCEv2 NIC does): remove roce-port, and give each collector "
                            + "on one host its own network.address (any 127.x.y.z works on loopback)");
                }
                SoftRoceConfig.Mode mode = switch (net.ingest()) {
                    case RAW -> SoftRoceConfig.Mode.RAW;
                    case XDP -> SoftRoceConfig.Mode.XDP;
                    default -> SoftRoceConfig.Mode.UDP;
                };
                SoftRoceConfig soft = SoftRoceConfig.of(mode, net.address().getHostAddress(), config.cm().policy())
                        .withCmPort(net.cmPort())
                        .withErrorOnNak(config.queuePairs().errorOnNak())
                        .withAtomicsLittleEndian(net.countersLittleEndian())
                        .withThreads(net.threads());
                yield SoftRoceBackend.open(soft);
            }
            // A real RDMA NIC: fails with an RdmaException naming what to install when libdisni or
            // an RDMA device is missing (docs/rdma.md).
            case DISNI -> {
                RdmaBackend nic = DisniBackend.open(new DisniConfig(net.address(), net.cmPort(),
                        DisniConfig.of(net.address(), config.cm().policy()).backlog(), config.cm().policy()));
                requireByteOrder(nic, net);
                yield nic;
            }
        };
    }

    /**
     * The store headers and the catalog declare the counters' byte order (protocol.md 4.4); it must
     * be the one the backend's atomics really use, or every reader would read counters wrong.
     */
    static void requireByteOrder(RdmaBackend backend, CollectorConfig.Network net) throws RdmaException {
        boolean little = backend.atomicByteOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        if (little != net.countersLittleEndian()) {
            backend.close();
            String actual = little ? "little-endian" : "big-endian";
            throw new RdmaException("network.atomic-byte-order is " + (net.countersLittleEndian() ? "little-endian" : "big-endian")
                    + ", but the " + backend.name() + " backend's FETCH_ADD works on " + actual + " words (host order): set "
                    + "network.atomic-byte-order: " + actual + " (protocol.md 4.4)");
        }
    }
}
