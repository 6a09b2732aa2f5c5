package net.dta.collector;

import net.dta.collector.config.CollectorConfig;
import net.dta.collector.config.IngestMode;
import net.dta.rdma.disni.DisniBackend;
import net.dta.rdma.disni.DisniConfig;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.soft.SoftRoceBackend;
import net.dta.rdma.soft.SoftRoceConfig;
import net.dta.rdma.wire.UdpHeader;

/** The backends of the rdma module, chosen by the configuration's ingest mode. */
public final class DefaultBackends implements BackendFactory {
    @Override
    public RdmaBackend create(CollectorConfig config) throws RdmaException {
        CollectorConfig.Network net = config.network();
        return switch (net.ingest()) {
            case UDP, RAW -> {
                if (net.rocePort() != UdpHeader.ROCE_PORT) {
                    throw new RdmaException("network.roce-port is " + net.rocePort() + ", but the software responder listens on "
                            + UdpHeader.ROCE_PORT + " only (as every RoCEv2 NIC does): remove roce-port, and give each collector "
                            + "on one host its own network.address (any 127.x.y.z works on loopback)");
                }
                SoftRoceConfig.Mode mode = net.ingest() == IngestMode.RAW ? SoftRoceConfig.Mode.RAW : SoftRoceConfig.Mode.UDP;
                SoftRoceConfig soft = SoftRoceConfig.of(mode, net.address().getHostAddress())
                        .withCmPort(net.cmPort())
                        .withErrorOnNak(config.queuePairs().errorOnNak());
                yield SoftRoceBackend.open(soft);
            }
            // A real RDMA NIC: fails with an RdmaException naming what to install when libdisni or
            // an RDMA device is missing (docs/rdma.md).
            case DISNI -> DisniBackend.open(new DisniConfig(net.address(), net.cmPort(), DisniConfig.of(net.address()).backlog()));
        };
    }
}
