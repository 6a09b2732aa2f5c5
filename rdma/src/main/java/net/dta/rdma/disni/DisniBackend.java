package net.dta.rdma.disni;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ibm.disni.verbs.IbvCQ;
import com.ibm.disni.verbs.IbvCompChannel;
import com.ibm.disni.verbs.IbvContext;
import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.RdmaCm;
import com.ibm.disni.verbs.RdmaCmId;
import com.ibm.disni.verbs.RdmaEventChannel;
import com.ibm.disni.verbs.impl.NatObject;

import net.dta.protocol.auth.CmBinding;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.rdma.cm.CmGate;
import net.dta.rdma.cm.CmRefusal;
import net.dta.rdma.cm.ServiceId;
import net.dta.packetio.Ipv4;
import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.EndpointCounters;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.rdma.endpoint.QueuePairState;
import net.dta.rdma.endpoint.RdmaBackend;
import net.dta.rdma.endpoint.RdmaException;
import net.dta.rdma.endpoint.RegionCounters;
import net.dta.rdma.endpoint.RegionRequest;
import net.dta.rdma.endpoint.RegisteredRegion;
import net.dta.rdma.region.MemoryRegion;

/**
 * The collector's backend on a real RDMA NIC, through DiSNI 2.0 (RDMA CM + verbs over JNI): the
 * NIC is the responder, so WRITEs, FETCH_ADDs and the catalog READ need no collector CPU.
 *
 * <p>What it does: binds an RDMA CM id to the collector's address and CM port and listens (the
 * IP CM service id of protocol.md 7.2); registers regions with the NIC, one memory registration
 * per 2^31-byte segment (DiSNI's {@code regMr} takes an int length, so a full 2^31-byte segment is
 * registered through {@link LargeRegistration}); on a connect request asks the
 * {@link ConnectionHandler} and accepts with its REP private data on a fresh RC queue pair, or
 * destroys the request's id, which makes the kernel CM answer REJ (consumer reject; DiSNI has no
 * reject call, so the handler's message is only logged). One thread serves CM events.
 *
 * <p>What it cannot do: choose va or rkeys (the NIC does; {@link RegionRequest} is ignored),
 * restore queue pairs (a NIC forgets them), count per-packet events (NIC counters are not
 * exposed by DiSNI). It was compiled and its failure path tested here; see docs/rdma.md.
 */
@SuppressWarnings("restricted") // native access is this class's job; the JVM runs with --enable-native-access
public final class DisniBackend implements RdmaBackend {
    private static final Logger LOG = LoggerFactory.getLogger(DisniBackend.class);
    private static final int CM_POLL_MILLIS = 200;
    private static final int MAX_WR = 16;
    /** READs/atomics in flight offered to a requester whose REQ names no initiator depth. */
    private static final int RESPONDER_RESOURCES = 16;
    private static final int MAX_REP_PRIVATE_DATA = 196;

    private final DisniConfig config;
    private final RdmaEventChannel channel;
    private final RdmaCmId listenId;
    private final IbvContext context;
    private final IbvPd pd;
    private final RdmaCmNative cm;
    private final CmGate gate;
    private final int maxResponderResources;
    private final Arena arena = Arena.ofShared();
    private final Map<RegisteredRegion, List<Object>> registrations = new ConcurrentHashMap<>();
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private volatile ConnectionHandler handler;
    private volatile boolean running;
    private Thread cmThread;
    private LargeRegistration large;

    private record Connection(long id, int qpn, IbvCQ cq, IbvCompChannel completions, InetAddress remote,
                              int remoteQpn, long establishedAtMillis) {
        QueuePairInfo info(String state) {
            return new QueuePairInfo(qpn, remote, remoteQpn, -1, state, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(),
                    Map.of(), establishedAtMillis);
        }
    }

    private DisniBackend(DisniConfig config, RdmaEventChannel channel, RdmaCmId listenId, IbvContext context,
                         IbvPd pd, RdmaCmNative cm, int maxResponderResources) {
        this.config = config;
        this.gate = new CmGate(config.cmPolicy(), LOG, System.currentTimeMillis());
        this.cm = cm;
        this.maxResponderResources = maxResponderResources;
        this.channel = channel;
        this.listenId = listenId;
        this.context = context;
        this.pd = pd;
    }

    /**
     * Opens DiSNI on the RDMA device that holds {@code config.localAddress()}. Throws an
     * {@link RdmaException} that names what to install when libdisni or an RDMA device is missing.
     */
    public static DisniBackend open(DisniConfig config) throws RdmaException {
        RdmaEventChannel channel = DisniNative.openEventChannel();
        RdmaCmId id = null;
        try {
            id = channel.createId(RdmaCm.RDMA_PS_TCP);
            id.bindAddr(new InetSocketAddress(config.localAddress(), config.cmPort()));
            IbvContext context = id.getVerbs();
            if (context == null) {
                throw new RdmaException("no RDMA device has the address " + config.localAddress().getHostAddress()
                        + DisniNative.deviceHint());
            }
            IbvPd pd = context.allocPd();
            RdmaCmNative cm = RdmaCmNative.load();
            int maxRdAtom = cm.maxQpRdAtom(((NatObject) context).getObjId());
            return new DisniBackend(config, channel, id, context, pd, cm, Math.max(1, maxRdAtom));
        } catch (IOException | RdmaException | RuntimeException e) {
            if (id != null) {
                destroyQuietly(id);
            }
            channel.close();
            throw new RdmaException("DiSNI could not bind RDMA CM to " + config.localAddress().getHostAddress() + ":"
                    + config.cmPort() + " (" + e.getMessage() + ")" + DisniNative.deviceHint(), e);
        }
    }

    @Override
    public String name() {
        return "disni";
    }

    /**
     * Host order: Linux's mlx5 driver reports atomics (IB_ATOMIC_HCA) only when the NIC answers in
     * host endianness (mlx5_ib get_atomic_caps: atomic_req_8B_endianness_mode), and rxe adds to a
     * host-order u64 (protocol.md 4.4).
     */
    @Override
    public java.nio.ByteOrder atomicByteOrder() {
        return java.nio.ByteOrder.nativeOrder();
    }

    @Override
    public boolean verifiesIcrc() {
        return true; // the NIC checks every ICRC (unless its firmware was told not to)
    }

    @Override
    public String describe() {
        return "RDMA NIC through DiSNI on " + config.localAddress().getHostAddress() + ", RDMA CM port "
                + config.cmPort() + " (the NIC is the responder; ICRCs checked by the NIC)";
    }

    @Override
    public RegisteredRegion register(MemorySegment memory, Set<Access> access, RegionRequest request)
            throws RdmaException {
        if (request.va() != 0 || request.rkeys() != null) {
            LOG.info("a NIC chooses va and rkeys: the requested identity is ignored (the catalog carries the new ones)");
        }
        if (memory.address() == 0) {
            throw new RdmaException("only native memory (a mapped file or an Arena allocation) can be registered");
        }
        int flags = accessFlags(access);
        int segments = MemoryRegion.segmentsFor(memory.byteSize());
        int[] rkeys = new int[segments];
        List<Object> handles = new ArrayList<>();
        try {
            for (int s = 0; s < segments; s++) {
                long offset = (long) s << MemoryRegion.LOG2_SEGMENT_BYTES;
                long length = Math.min(MemoryRegion.SEGMENT_BYTES, memory.byteSize() - offset);
                long address = memory.address() + offset;
                if (length <= Integer.MAX_VALUE) {
                    IbvMr mr = pd.regMr(address, (int) length, flags).execute().free().getMr();
                    handles.add(mr);
                    rkeys[s] = mr.getRkey();
                } else {
                    if (large == null) {
                        large = LargeRegistration.load();
                    }
                    MemorySegment mr = large.register(pd, address, length, flags);
                    handles.add(mr);
                    rkeys[s] = LargeRegistration.rkey(mr);
                }
            }
        } catch (IOException | RuntimeException e) {
            release(handles);
            throw new RdmaException("memory registration of " + memory.byteSize() + " bytes failed: " + e.getMessage()
                    + " (memlock limit? ulimit -l unlimited)", e);
        }
        RegisteredRegion region = new RegisteredRegion(memory, memory.address(), rkeys,
                Set.copyOf(access.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(access)),
                new RegionCounters());
        registrations.put(region, handles);
        return region;
    }

    @Override
    public void deregister(RegisteredRegion region) {
        List<Object> handles = registrations.remove(region);
        if (handles != null) {
            release(handles);
        }
    }

    @Override
    public synchronized void start(ConnectionHandler connectionHandler) throws RdmaException {
        if (cmThread != null) {
            throw new RdmaException("the endpoint is already started");
        }
        this.handler = connectionHandler;
        try {
            listenId.listen(config.backlog());
        } catch (IOException e) {
            throw new RdmaException("rdma_listen on " + config.localAddress().getHostAddress() + ":" + config.cmPort()
                    + " failed: " + e.getMessage(), e);
        }
        running = true;
        cmThread = new Thread(this::serveCmEvents, "dta-disni-cm");
        cmThread.start();
        LOG.info("{}: listening for service id 0x{}", describe(), Long.toHexString(ServiceId.of(config.cmPort())));
    }

    /** The CM event loop: DiSNI's own event call loses the private data, so it reads events itself. */
    private void serveCmEvents() {
        long channelPtr = ((NatObject) channel).getObjId();
        while (running) {
            try {
                RdmaCmNative.Event event = cm.nextEvent(channelPtr, CM_POLL_MILLIS);
                if (event == null) {
                    continue;
                }
                switch (event.type()) {
                    case RdmaCmNative.EVENT_CONNECT_REQUEST -> onConnectRequest(event);
                    case RdmaCmNative.EVENT_ESTABLISHED -> {
                        Connection c = connections.get(event.id());
                        if (c != null) {
                            handler.onEstablished(c.info("RTS"));
                        }
                    }
                    case RdmaCmNative.EVENT_DISCONNECTED -> closeConnection(event.id(), "disconnected (DREQ)");
                    case RdmaCmNative.EVENT_CONNECT_ERROR, RdmaCmNative.EVENT_UNREACHABLE, RdmaCmNative.EVENT_REJECTED ->
                            closeConnection(event.id(), "connection failed (RDMA CM event " + event.type() + ", status "
                                    + event.status() + ": no RTU, or the requester rejected the REP)");
                    case RdmaCmNative.EVENT_DEVICE_REMOVAL -> LOG.error("the RDMA device was removed: no more connections");
                    case RdmaCmNative.EVENT_TIMEWAIT_EXIT -> LOG.debug("RDMA CM time-wait ended");
                    default -> LOG.info("RDMA CM event {} ignored", event.type());
                }
            } catch (RdmaException | RuntimeException e) {
                if (running) {
                    LOG.warn("RDMA CM event handling failed; continuing", e);
                }
            }
        }
    }

    private void onConnectRequest(RdmaCmNative.Event event) throws RdmaException {
        long id = event.id();
        InetAddress remote = RdmaCmNative.peerAddress(id);
        long now = System.currentTimeMillis();
        int requester = Ipv4.toInt(remote);
        // The same checks as the software responder, before any queue pair exists (protocol.md 7.3).
        // rdma_cm hands over the REQ's private data after the IP CM header, the requester's QPN and
        // address and port (from the IP CM header), but neither the REQ's starting PSN nor the CA
        // GUID (reported as 0): the MAC binds exactly what both collectors see.
        byte[] data = event.privateData();
        CmBinding binding = new CmBinding(requester, RdmaCmNative.peerPort(id), Ipv4.toInt(config.localAddress()),
                config.cmPort(), event.qpNum());
        CmGate.Verdict verdict = gate.authenticate(binding, MemorySegment.ofArray(data), 0, data.length, now);
        CmRefusal refusal = verdict.refusal();
        if (refusal == null && gate.replayed(verdict.mac(), now)) {
            refusal = CmRefusal.REPLAY; // (the kernel's CM answers a resent REQ itself: a second one here is a replay)
        }
        if (refusal == null) {
            int fromSource = 0;
            for (Connection c : connections.values()) {
                fromSource += c.remote().equals(remote) ? 1 : 0;
            }
            refusal = gate.admit(requester, fromSource, connections.size(), false, now);
        }
        if (refusal != null) {
            // Destroying the request's id makes the kernel's CM answer REJ anyway; rdma_reject adds our reason
            // only within the REJ budget.
            try {
                if (gate.refused(refusal, requester, now)) {
                    cm.reject(id, refusal.message().getBytes(StandardCharsets.UTF_8));
                }
            } finally {
                cm.destroyId(id);
            }
            return;
        }
        ConnectRequest request = new ConnectRequest(remote, event.qpNum(), 0, ServiceId.of(config.cmPort()), 0, data);
        byte[] rep;
        try {
            rep = handler.onConnectRequest(request);
        } catch (ConnectionHandler.ConnectionRejected e) {
            LOG.warn("rejected a connection from {}: {}", remote.getHostAddress(), e.getMessage());
            try {
                cm.reject(id, e.getMessage().getBytes(StandardCharsets.UTF_8));
            } finally {
                cm.destroyId(id);
            }
            return;
        }
        if (Math.max(rep.length, ConnectReplyData.USED_BYTES) > MAX_REP_PRIVATE_DATA) {
            cm.reject(id, "REP private data too long".getBytes(StandardCharsets.UTF_8));
            cm.destroyId(id);
            throw new RdmaException("the REP private data is " + rep.length + " bytes; a REP carries at most "
                    + MAX_REP_PRIVATE_DATA);
        }
        gate.remember(verdict.mac(), now);
        IbvCompChannel completions = null;
        IbvCQ cq = null;
        try {
            completions = context.createCompChannel();
            cq = context.createCQ(completions, MAX_WR, 0);
            int qpn = cm.createQp(id, ((NatObject) pd).getObjId(), ((NatObject) cq).getObjId(), MAX_WR);
            // Responder resources: READs and atomics the requester may have in flight on this queue
            // pair (its max_dest_rd_atomic), at most what the REQ's initiator depth asked for, which
            // rdma_cm reports to the passive side as the event's responder_resources. 0 would make
            // the kernel's CM leave remote read and atomic rights off the queue pair: the catalog
            // READ and every FETCH_ADD would be refused.
            int asked = event.responderResources() == 0 ? RESPONDER_RESOURCES : event.responderResources();
            int responderResources = Math.max(1, Math.min(asked, maxResponderResources));
            connections.put(id, new Connection(id, qpn, cq, completions, remote, event.qpNum(),
                    System.currentTimeMillis()));
            cm.accept(id, gate.seal(rep, verdict.mac(), qpn), responderResources, 0);
            LOG.info("accepted a connection from {} (QPN 0x{}, REQ initiator depth {}, {} bytes of private data) on "
                            + "queue pair 0x{}, responder resources {}", remote.getHostAddress(),
                    Integer.toHexString(event.qpNum()), event.responderResources(), event.privateDataLength(),
                    Integer.toHexString(qpn), responderResources);
        } catch (IOException | RdmaException | RuntimeException e) {
            connections.remove(id);
            cm.destroyQp(id);
            destroyQuietly(cq);
            cm.destroyId(id);
            throw e instanceof RdmaException r ? r : new RdmaException("accepting a connection failed: " + e, e);
        }
    }

    private void closeConnection(long id, String reason) {
        Connection c = connections.remove(id);
        if (c == null) {
            return;
        }
        try {
            handler.onClosed(c.info("ERROR"), reason);
        } catch (RuntimeException e) {
            LOG.warn("the connection handler failed", e);
        }
        cm.disconnect(id);
        cm.destroyQp(id);
        destroyQuietly(c.cq());
        cm.destroyId(id);
    }

    private static void destroyQuietly(IbvCQ cq) {
        if (cq == null) {
            return;
        }
        try {
            cq.destroyCQ();
        } catch (IOException | RuntimeException e) {
            LOG.debug("ibv_destroy_cq failed", e);
        }
    }

    @Override
    public List<QueuePairInfo> queuePairs() {
        List<QueuePairInfo> out = new ArrayList<>();
        for (Connection c : connections.values()) {
            out.add(c.info("RTS"));
        }
        return out;
    }

    @Override
    public boolean supportsQueuePairRestore() {
        return false;
    }

    @Override
    public List<QueuePairState> queuePairStates() {
        return List.of();
    }

    @Override
    public void restoreQueuePairs(List<QueuePairState> states) throws RdmaException {
        if (!states.isEmpty()) {
            throw new RdmaException("a NIC forgets its queue pairs across restarts: the controller re-connects");
        }
    }

    @Override
    public EndpointCounters counters() {
        return new EndpointCounters(0, 0, 0, 0, gate.counts()); // the NIC counts packets, the listener its refusals
    }

    @Override
    public synchronized void close() {
        running = false;
        if (cmThread != null) {
            try {
                cmThread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (long id : List.copyOf(connections.keySet())) {
            closeConnection(id, "collector shutting down");
        }
        for (RegisteredRegion r : List.copyOf(registrations.keySet())) {
            deregister(r);
        }
        destroyQuietly(listenId);
        channel.close();
        arena.close();
    }

    private void release(List<Object> handles) {
        for (Object h : handles) {
            try {
                if (h instanceof IbvMr mr) {
                    mr.deregMr().execute().free();
                } else if (h instanceof MemorySegment mr && large != null) {
                    large.deregister(mr);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("memory deregistration failed", e);
            }
        }
    }

    static int accessFlags(Set<Access> access) {
        int flags = 0;
        for (Access a : access) {
            flags |= switch (a) {
                case LOCAL_WRITE -> IbvMr.IBV_ACCESS_LOCAL_WRITE;
                case REMOTE_WRITE -> IbvMr.IBV_ACCESS_REMOTE_WRITE;
                case REMOTE_READ -> IbvMr.IBV_ACCESS_REMOTE_READ;
                case REMOTE_ATOMIC -> IbvMr.IBV_ACCESS_REMOTE_ATOMIC;
            };
        }
        // Remote write and atomic rights require local write (ibv_reg_mr refuses them otherwise).
        if ((flags & (IbvMr.IBV_ACCESS_REMOTE_WRITE | IbvMr.IBV_ACCESS_REMOTE_ATOMIC)) != 0) {
            flags |= IbvMr.IBV_ACCESS_LOCAL_WRITE;
        }
        return flags;
    }

    private static void destroyQuietly(RdmaCmId id) {
        try {
            id.destroyId();
        } catch (IOException | RuntimeException e) {
            LOG.debug("rdma_destroy_id failed", e);
        }
    }
}
