package net.dta.rdma.disni;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.NoSuchElementException;

import net.dta.rdma.endpoint.RdmaException;

/**
 * The few librdmacm calls DiSNI 2.0 gets wrong or lacks for a passive side that speaks DTA, called
 * through {@code java.lang.foreign} on the native objects DiSNI created (its object ids are the
 * native pointers):
 *
 * <ul>
 *   <li>DiSNI's {@code getCmEvent} acknowledges each event before Java sees it and keeps none of
 *       {@code event->param.conn}: the REQ's private data (our translator id), its initiator depth
 *       and QPN are lost. {@link #nextEvent} reads them before {@code rdma_ack_cm_event}.</li>
 *   <li>DiSNI's {@code accept} sends no private data (it builds its own {@code rdma_conn_param}),
 *       so the REP could not carry the catalog's location: {@link #accept} passes ours, with
 *       responder resources and initiator depth chosen by the backend.</li>
 *   <li>DiSNI has no {@code rdma_reject}: {@link #reject} sends the REJ with our message.</li>
 *   <li>A connect request's new id has no DiSNI object, so its queue pair is created with
 *       {@link #createQp} on DiSNI's protection domain and completion queue.</li>
 * </ul>
 *
 * Struct offsets are those of rdma-core's {@code <rdma/rdma_cma.h>} and {@code <infiniband/verbs.h>}
 * on x86_64/aarch64 (LP64); the interop suite's probe prints them from the headers in the guest
 * (docs/interop.md).
 */
@SuppressWarnings("restricted") // native access is this class's job; the JVM runs with --enable-native-access
final class RdmaCmNative {
    // enum rdma_cm_event_type
    static final int EVENT_CONNECT_REQUEST = 4;
    static final int EVENT_CONNECT_ERROR = 6;
    static final int EVENT_UNREACHABLE = 7;
    static final int EVENT_REJECTED = 8;
    static final int EVENT_ESTABLISHED = 9;
    static final int EVENT_DISCONNECTED = 10;
    static final int EVENT_DEVICE_REMOVAL = 11;
    static final int EVENT_TIMEWAIT_EXIT = 15;

    // struct rdma_cm_event { rdma_cm_id *id; rdma_cm_id *listen_id; int event; int status; union param }
    private static final long EVENT_ID = 0;
    private static final long EVENT_TYPE = 16;
    private static final long EVENT_STATUS = 20;
    private static final long EVENT_PARAM = 24;
    // struct rdma_conn_param { const void *private_data; u8 private_data_len, responder_resources,
    //   initiator_depth, flow_control, retry_count, rnr_retry_count, srq; u32 qp_num; } (24 bytes)
    private static final long CONN_PRIVATE_DATA = 0;
    private static final long CONN_PRIVATE_DATA_LEN = 8;
    private static final long CONN_RESPONDER_RESOURCES = 9;
    private static final long CONN_INITIATOR_DEPTH = 10;
    private static final long CONN_RETRY_COUNT = 12;
    private static final long CONN_RNR_RETRY_COUNT = 13;
    private static final long CONN_QP_NUM = 16;
    private static final long CONN_PARAM_SIZE = 24;
    // struct rdma_cm_id { ibv_context *verbs; channel*; void *context; ibv_qp *qp; struct rdma_route route; }
    // route.addr.src_addr (128-byte union) at 32, route.addr.dst_addr at 160
    private static final long ID_QP = 24;
    private static final long ID_DST_ADDR = 160;
    // struct ibv_qp_init_attr { qp_context*; send_cq*; recv_cq*; srq*; ibv_qp_cap cap (5 x u32);
    //   int qp_type; int sq_sig_all; } (64 bytes)
    private static final long QPI_SEND_CQ = 8;
    private static final long QPI_RECV_CQ = 16;
    private static final long QPI_CAP = 32;
    private static final long QPI_QP_TYPE = 52;
    private static final long QPI_SIZE = 64;
    private static final int IBV_QPT_RC = 2;
    // struct ibv_qp { context*; qp_context*; pd*; send_cq*; recv_cq*; srq*; u32 handle; u32 qp_num; ... }
    private static final long QP_NUM = 52;
    private static final short POLLIN = 1;
    // struct ibv_device_attr: fw_ver[64], 4 x u64, 3 x u32, then ints: max_qp_rd_atom at 144 (232 bytes)
    private static final long DEVICE_ATTR_MAX_QP_RD_ATOM = 144;
    private static final long DEVICE_ATTR_SIZE = 232;

    /**
     * One CM event, copied out before it was acknowledged. As rdma_cm reports them to the passive
     * side, {@code responderResources} of a CONNECT_REQUEST is the REQ's initiator depth and
     * {@code initiatorDepth} the REQ's responder resources.
     */
    record Event(int type, int status, long id, int privateDataLength, byte[] privateData, int responderResources,
                 int initiatorDepth, int qpNum) {
    }

    private final MethodHandle getCmEvent;
    private final MethodHandle ackCmEvent;
    private final MethodHandle createQp;
    private final MethodHandle destroyQp;
    private final MethodHandle accept;
    private final MethodHandle reject;
    private final MethodHandle disconnect;
    private final MethodHandle destroyId;
    private final MethodHandle poll;
    private final MethodHandle queryDevice;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment eventOut = arena.allocate(ValueLayout.ADDRESS);
    private final MemorySegment pollFd = arena.allocate(8, 4);

    private RdmaCmNative(SymbolLookup cm, SymbolLookup verbs) {
        Linker linker = Linker.nativeLinker();
        ValueLayout a = ValueLayout.ADDRESS;
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        getCmEvent = linker.downcallHandle(cm.findOrThrow("rdma_get_cm_event"), FunctionDescriptor.of(i, a, a));
        ackCmEvent = linker.downcallHandle(cm.findOrThrow("rdma_ack_cm_event"), FunctionDescriptor.of(i, a));
        createQp = linker.downcallHandle(cm.findOrThrow("rdma_create_qp"), FunctionDescriptor.of(i, a, a, a));
        destroyQp = linker.downcallHandle(cm.findOrThrow("rdma_destroy_qp"), FunctionDescriptor.ofVoid(a));
        accept = linker.downcallHandle(cm.findOrThrow("rdma_accept"), FunctionDescriptor.of(i, a, a));
        reject = linker.downcallHandle(cm.findOrThrow("rdma_reject"),
                FunctionDescriptor.of(i, a, a, ValueLayout.JAVA_BYTE));
        disconnect = linker.downcallHandle(cm.findOrThrow("rdma_disconnect"), FunctionDescriptor.of(i, a));
        destroyId = linker.downcallHandle(cm.findOrThrow("rdma_destroy_id"), FunctionDescriptor.of(i, a));
        poll = linker.downcallHandle(linker.defaultLookup().findOrThrow("poll"),
                FunctionDescriptor.of(i, a, ValueLayout.JAVA_LONG, i));
        queryDevice = linker.downcallHandle(verbs.findOrThrow("ibv_query_device"), FunctionDescriptor.of(i, a, a));
    }

    /** Binds librdmacm.so.1 (rdma-core; DiSNI's libdisni links it too). */
    static RdmaCmNative load() throws RdmaException {
        try {
            return new RdmaCmNative(SymbolLookup.libraryLookup("librdmacm.so.1", Arena.global()),
                    SymbolLookup.libraryLookup("libibverbs.so.1", Arena.global()));
        } catch (IllegalArgumentException | NoSuchElementException e) {
            throw new RdmaException("the DiSNI backend needs librdmacm.so.1 (apt-get install librdmacm1): " + e.getMessage(),
                    e);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for the next event of {@code channel} (a native
     * {@code struct rdma_event_channel *}, whose first field is its fd); null when none came.
     */
    Event nextEvent(long channel, int timeoutMillis) throws RdmaException {
        int fd = MemorySegment.ofAddress(channel).reinterpret(4).get(ValueLayout.JAVA_INT, 0);
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int ready = call(() -> (int) poll.invokeExact(pollFd, 1L, timeoutMillis), "poll");
        if (ready <= 0) {
            return null;
        }
        int rc = call(() -> (int) getCmEvent.invokeExact(MemorySegment.ofAddress(channel), eventOut), "rdma_get_cm_event");
        if (rc != 0) {
            throw new RdmaException("rdma_get_cm_event failed (" + rc + ")");
        }
        MemorySegment event = eventOut.get(ValueLayout.ADDRESS, 0).reinterpret(EVENT_PARAM + CONN_PARAM_SIZE);
        try {
            int type = event.get(ValueLayout.JAVA_INT, EVENT_TYPE);
            MemorySegment param = event.asSlice(EVENT_PARAM, CONN_PARAM_SIZE);
            int length = Byte.toUnsignedInt(param.get(ValueLayout.JAVA_BYTE, CONN_PRIVATE_DATA_LEN));
            MemorySegment data = param.get(ValueLayout.ADDRESS, CONN_PRIVATE_DATA);
            byte[] privateData = new byte[data.address() == 0 ? 0 : length];
            if (privateData.length > 0) {
                MemorySegment.copy(data.reinterpret(length), ValueLayout.JAVA_BYTE, 0, privateData, 0, length);
            }
            return new Event(type, event.get(ValueLayout.JAVA_INT, EVENT_STATUS),
                    event.get(ValueLayout.ADDRESS, EVENT_ID).address(), length, privateData,
                    Byte.toUnsignedInt(param.get(ValueLayout.JAVA_BYTE, CONN_RESPONDER_RESOURCES)),
                    Byte.toUnsignedInt(param.get(ValueLayout.JAVA_BYTE, CONN_INITIATOR_DEPTH)),
                    param.get(ValueLayout.JAVA_INT, CONN_QP_NUM) & 0xFFFFFF);
        } finally {
            MemorySegment e = event;
            call(() -> (int) ackCmEvent.invokeExact(e), "rdma_ack_cm_event");
        }
    }

    /**
     * ibv_query_device's max_qp_rd_atom of {@code context} (a native {@code struct ibv_context *}):
     * the most READs/atomics a queue pair of this device can serve at once (DiSNI has no query).
     */
    int maxQpRdAtom(long context) throws RdmaException {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment attr = local.allocate(DEVICE_ATTR_SIZE, 8);
            int rc = call(() -> (int) queryDevice.invokeExact(MemorySegment.ofAddress(context), attr), "ibv_query_device");
            if (rc != 0) {
                throw new RdmaException("ibv_query_device failed (" + rc + ")");
            }
            return attr.get(ValueLayout.JAVA_INT, DEVICE_ATTR_MAX_QP_RD_ATOM);
        }
    }

    /** The IPv4 address of the peer of {@code id} (route.addr.dst_addr, a sockaddr_in). */
    static InetAddress peerAddress(long id) {
        MemorySegment sin = MemorySegment.ofAddress(id).reinterpret(ID_DST_ADDR + 16).asSlice(ID_DST_ADDR, 16);
        byte[] ip = new byte[4];
        MemorySegment.copy(sin, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    /** The port of a connect request's peer: rdma_cm takes it from the REQ's IP CM header (its source port). */
    static int peerPort(long id) {
        MemorySegment sin = MemorySegment.ofAddress(id).reinterpret(ID_DST_ADDR + 16).asSlice(ID_DST_ADDR, 16);
        return Short.toUnsignedInt(sin.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2));
    }

    /** rdma_create_qp: an RC queue pair on {@code id} with DiSNI's PD and CQ; returns its QPN. */
    int createQp(long id, long pd, long cq, int maxWr) throws RdmaException {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment attr = local.allocate(QPI_SIZE, 8);
            attr.set(ValueLayout.ADDRESS, QPI_SEND_CQ, MemorySegment.ofAddress(cq));
            attr.set(ValueLayout.ADDRESS, QPI_RECV_CQ, MemorySegment.ofAddress(cq));
            attr.set(ValueLayout.JAVA_INT, QPI_CAP, maxWr);       // max_send_wr
            attr.set(ValueLayout.JAVA_INT, QPI_CAP + 4, maxWr);   // max_recv_wr
            attr.set(ValueLayout.JAVA_INT, QPI_CAP + 8, 1);       // max_send_sge
            attr.set(ValueLayout.JAVA_INT, QPI_CAP + 12, 1);      // max_recv_sge
            attr.set(ValueLayout.JAVA_INT, QPI_QP_TYPE, IBV_QPT_RC);
            int rc = call(() -> (int) createQp.invokeExact(MemorySegment.ofAddress(id), MemorySegment.ofAddress(pd), attr),
                    "rdma_create_qp");
            if (rc != 0) {
                throw new RdmaException("rdma_create_qp failed (" + rc + ")");
            }
        }
        MemorySegment qp = MemorySegment.ofAddress(id).reinterpret(ID_QP + 8).get(ValueLayout.ADDRESS, ID_QP);
        return qp.reinterpret(QP_NUM + 4).get(ValueLayout.JAVA_INT, QP_NUM);
    }

    /**
     * rdma_accept with our REP private data. {@code responderResources} is what the REP offers (and
     * the queue pair's max_dest_rd_atomic: READs and atomics in flight from the requester);
     * {@code initiatorDepth} what we would send ourselves (0: the collector never reads).
     */
    void accept(long id, byte[] privateData, int responderResources, int initiatorDepth) throws RdmaException {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment data = local.allocate(Math.max(1, privateData.length));
            MemorySegment.copy(privateData, 0, data, ValueLayout.JAVA_BYTE, 0, privateData.length);
            MemorySegment param = local.allocate(CONN_PARAM_SIZE, 8);
            param.set(ValueLayout.ADDRESS, CONN_PRIVATE_DATA, data);
            param.set(ValueLayout.JAVA_BYTE, CONN_PRIVATE_DATA_LEN, (byte) privateData.length);
            param.set(ValueLayout.JAVA_BYTE, CONN_RESPONDER_RESOURCES, (byte) responderResources);
            param.set(ValueLayout.JAVA_BYTE, CONN_INITIATOR_DEPTH, (byte) initiatorDepth);
            param.set(ValueLayout.JAVA_BYTE, CONN_RETRY_COUNT, (byte) 7);
            param.set(ValueLayout.JAVA_BYTE, CONN_RNR_RETRY_COUNT, (byte) 7);
            int rc = call(() -> (int) accept.invokeExact(MemorySegment.ofAddress(id), param), "rdma_accept");
            if (rc != 0) {
                throw new RdmaException("rdma_accept failed (" + rc + ")");
            }
        }
    }

    /** rdma_reject: REJ (consumer reject) carrying {@code privateData} (at most 148 bytes are sent). */
    void reject(long id, byte[] privateData) throws RdmaException {
        int length = Math.min(privateData.length, 148);
        try (Arena local = Arena.ofConfined()) {
            MemorySegment data = local.allocate(Math.max(1, length));
            MemorySegment.copy(privateData, 0, data, ValueLayout.JAVA_BYTE, 0, length);
            int rc = call(() -> (int) reject.invokeExact(MemorySegment.ofAddress(id), data, (byte) length), "rdma_reject");
            if (rc != 0) {
                throw new RdmaException("rdma_reject failed (" + rc + ")");
            }
        }
    }

    void disconnect(long id) {
        quietly(() -> (int) disconnect.invokeExact(MemorySegment.ofAddress(id)));
    }

    void destroyQp(long id) {
        quietly(() -> {
            destroyQp.invokeExact(MemorySegment.ofAddress(id));
            return 0;
        });
    }

    void destroyId(long id) {
        quietly(() -> (int) destroyId.invokeExact(MemorySegment.ofAddress(id)));
    }

    private interface NativeCall {
        int invoke() throws Throwable;
    }

    private static int call(NativeCall c, String what) throws RdmaException {
        try {
            return c.invoke();
        } catch (Throwable t) {
            throw new RdmaException(what + " failed: " + t, t);
        }
    }

    private static void quietly(NativeCall c) {
        try {
            c.invoke();
        } catch (Throwable t) {
            // Teardown: nothing more to do than not crash.
        }
    }
}
