package net.dta.collector.rdma;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.QueuePairInfo;

/**
 * Answers RDMA CM REQs with the DTA REP private data (protocol.md 7.2): store count, this
 * process's boot id, the catalog generation and where to READ the catalog. The answer is the
 * same for every requester, so it is encoded once. Connections and disconnections are logged
 * and counted for status.
 */
public final class CollectorConnectionHandler implements ConnectionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorConnectionHandler.class);

    private final byte[] reply;
    private final ConnectReplyData replyData;
    private final int expectedMtu;
    private final java.util.function.Supplier<java.util.List<net.dta.rdma.endpoint.QueuePairState>> states;
    private final LongAdder requests = new LongAdder();
    private final LongAdder established = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder plainClients = new LongAdder();

    /**
     * @param expectedMtu the configured path MTU; a queue pair whose REQ asked for more is logged
     * @param states the backend's queue-pair states (the only place the endpoint API reports a queue pair's MTU)
     */
    public CollectorConnectionHandler(ConnectReplyData replyData, int expectedMtu,
                                      java.util.function.Supplier<java.util.List<net.dta.rdma.endpoint.QueuePairState>> states) {
        this.replyData = replyData;
        this.expectedMtu = expectedMtu;
        this.states = states;
        this.reply = new byte[ConnectReplyData.BYTES];
        replyData.encode(MemorySegment.ofArray(reply), 0);
    }

    public ConnectReplyData replyData() {
        return replyData;
    }

    @Override
    public byte[] onConnectRequest(ConnectRequest request) {
        requests.increment();
        byte[] pd = request.privateData();
        ConnectRequestData dta = pd != null && pd.length >= ConnectRequestData.BYTES
                ? ConnectRequestData.decode(MemorySegment.ofArray(pd), 0) : null;
        if (dta == null) {
            plainClients.increment();
            LOG.info("connection request from {} (QPN 0x{}, start PSN 0x{}) without DTA private data: serving it as a plain RDMA client",
                    request.remoteAddress().getHostAddress(), Integer.toHexString(request.remoteQpn()), Integer.toHexString(request.startPsn()));
        } else {
            LOG.info("connection request from translator {} at {} (QPN 0x{}, start PSN 0x{}): advertising catalog generation {} with {} stores",
                    dta.translatorId(), request.remoteAddress().getHostAddress(), Integer.toHexString(request.remoteQpn()),
                    Integer.toHexString(request.startPsn()), replyData.catalogGeneration(), replyData.storeCount());
        }
        return reply.clone();
    }

    @Override
    public void onEstablished(QueuePairInfo qp) {
        established.increment();
        LOG.info("queue pair 0x{} established with {} (remote QPN 0x{}, expected PSN 0x{})", Integer.toHexString(qp.qpn()),
                qp.remoteAddress().getHostAddress(), Integer.toHexString(qp.remoteQpn()), Integer.toHexString(qp.expectedPsn()));
        for (net.dta.rdma.endpoint.QueuePairState s : states.get()) {
            if (s.qpn() == qp.qpn() && s.mtu() > expectedMtu) {
                LOG.warn("queue pair 0x{} uses path MTU {} (from its REQ), more than network.path-mtu {}: packets larger than the "
                        + "network carries will be lost", Integer.toHexString(qp.qpn()), s.mtu(), expectedMtu);
            }
        }
    }

    /** The final counters of the queue pairs closed so far, per requester address (control path). */
    private final java.util.Map<String, java.util.List<QueuePairInfo>> closedByRequester = new java.util.concurrent.ConcurrentHashMap<>();

    /** Closed queue pairs of each requester, for the totals that survive replacement. */
    public java.util.Map<String, java.util.List<QueuePairInfo>> closedQueuePairs() {
        java.util.Map<String, java.util.List<QueuePairInfo>> copy = new java.util.TreeMap<>();
        closedByRequester.forEach((k, v) -> {
            synchronized (v) {
                copy.put(k, java.util.List.copyOf(v));
            }
        });
        return copy;
    }

    @Override
    public void onClosed(QueuePairInfo qp, String reason) {
        closed.increment();
        java.util.List<QueuePairInfo> list = closedByRequester.computeIfAbsent(qp.remoteAddress().getHostAddress(),
                k -> new java.util.ArrayList<>());
        synchronized (list) {
            list.add(qp);
        }
        LOG.info("queue pair 0x{} with {} closed: {} (packets {}, NAKs {})", Integer.toHexString(qp.qpn()),
                qp.remoteAddress().getHostAddress(), reason, qp.packets(), qp.naksBySyndrome());
    }

    /** Connection counters for status: requests answered, queue pairs established and closed, non-DTA clients. */
    public record Counts(long requests, long established, long closed, long plainClients) {
    }

    public Counts counts() {
        return new Counts(requests.sum(), established.sum(), closed.sum(), plainClients.sum());
    }
}
