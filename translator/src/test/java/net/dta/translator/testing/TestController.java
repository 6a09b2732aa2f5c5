package net.dta.translator.testing;

import net.dta.testkit.TestCmSecret;
import static net.dta.p4.TranslatorP4Names.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import net.dta.protocol.Bytes;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.ReqParameters;
import net.dta.rdma.cm.ServiceId;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RoceRoute;
import p4.config.v1.P4InfoOuterClass.MatchField.MatchType;
import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.v1.P4DataOuterClass.P4Data;
import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.*;

/**
 * A small P4Runtime controller for tests (the real controller is another module's): arbitration,
 * pipeline, table and register writes by name through the shipped P4Info, counter and register
 * reads, PacketOut and PacketIn, and the connection of a queue pair to a collector exactly as
 * protocol.md 7 describes it, through the translator (CM REQ/REP/RTU and the catalog READ as
 * PacketOut/PacketIn).
 */
public final class TestController implements AutoCloseable {
    public static final long DEVICE_ID = 1;
    private static final long TIMEOUT_SECONDS = 10;

    private final ManagedChannel channel;
    private final P4RuntimeGrpc.P4RuntimeBlockingStub blocking;
    private final P4InfoIndex p4;
    private final long electionId;
    private final BlockingQueue<StreamMessageResponse> arbitration = new LinkedBlockingQueue<>();
    private final BlockingQueue<PacketIn> packetIns = new LinkedBlockingQueue<>();
    private final BlockingQueue<StreamError> streamErrors = new LinkedBlockingQueue<>();
    private StreamObserver<StreamMessageRequest> stream;
    private volatile Throwable streamFailure;

    private TestController(ManagedChannel channel, long electionId) {
        this.channel = channel;
        this.blocking = P4RuntimeGrpc.newBlockingStub(channel);
        this.p4 = new P4InfoIndex(P4InfoFiles.translatorV1model());
        this.electionId = electionId;
    }

    public static TestController tcp(InetSocketAddress address, long electionId) {
        return new TestController(NettyChannelBuilder.forAddress(address.getHostString(), address.getPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build(), electionId);
    }

    /** Over TLS with a client certificate (docs/security.md). */
    public static TestController tls(InetSocketAddress address, long electionId, net.dta.common.security.ClientSecurity security)
            throws java.io.IOException {
        return new TestController(net.dta.common.security.GrpcSecurity.configure(NettyChannelBuilder.forAddress(address.getHostString(),
                address.getPort()).maxInboundMessageSize(64 << 20), security).build(), electionId);
    }

    public static TestController inProcess(String name, long electionId) {
        return new TestController(InProcessChannelBuilder.forName(name).directExecutor().build(), electionId);
    }

    public P4InfoIndex p4() {
        return p4;
    }

    public P4RuntimeGrpc.P4RuntimeBlockingStub stub() {
        return blocking.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    public Uint128 election() {
        return Uint128.newBuilder().setLow(electionId).build();
    }

    // ---- stream ----

    /** Opens the StreamChannel and arbitrates; returns the first arbitration answer. */
    public MasterArbitrationUpdate arbitrate() throws InterruptedException {
        openStream();
        stream.onNext(StreamMessageRequest.newBuilder().setArbitration(MasterArbitrationUpdate.newBuilder()
                .setDeviceId(DEVICE_ID).setElectionId(election())).build());
        return nextArbitration();
    }

    /** Opens the StreamChannel without arbitrating. */
    public void openStream() {
        stream = P4RuntimeGrpc.newStub(channel).streamChannel(new StreamObserver<>() {
            @Override
            public void onNext(StreamMessageResponse r) {
                switch (r.getUpdateCase()) {
                    case PACKET -> packetIns.add(r.getPacket());
                    case ERROR -> streamErrors.add(r.getError());
                    default -> arbitration.add(r);
                }
            }

            @Override
            public void onError(Throwable t) {
                streamFailure = t;
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    public MasterArbitrationUpdate nextArbitration() throws InterruptedException {
        StreamMessageResponse r = arbitration.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no arbitration answer" + (streamFailure == null ? "" : ": " + streamFailure));
        }
        return r.getArbitration();
    }

    public void send(StreamMessageRequest request) {
        stream.onNext(request);
    }

    public Throwable streamFailure() {
        return streamFailure;
    }

    public StreamError nextStreamError() throws InterruptedException {
        return streamErrors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next PacketIn, or null after the timeout. */
    public PacketIn nextPacketIn(long timeoutMillis) throws InterruptedException {
        return packetIns.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The next PacketIn with this reason (others are skipped), or an AssertionError. */
    public PacketIn awaitPacketIn(int reason) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            PacketIn p = packetIns.poll(100, TimeUnit.MILLISECONDS);
            if (p != null && reason(p) == reason) {
                return p;
            }
        }
        throw new AssertionError("no PacketIn with reason " + reason + " within " + TIMEOUT_SECONDS + " s");
    }

    public int reason(PacketIn p) {
        int id = p4.packetMetadataField(PACKET_IN, M_REASON).getId();
        for (PacketMetadata m : p.getMetadataList()) {
            if (m.getMetadataId() == id) {
                return m.getValue().byteAt(m.getValue().size() - 1) & 0xFF;
            }
        }
        return -1;
    }

    public void packetOut(byte[] frame, int egressPort) {
        stream.onNext(StreamMessageRequest.newBuilder().setPacket(PacketOut.newBuilder().setPayload(ByteString.copyFrom(frame))
                .addMetadata(PacketMetadata.newBuilder().setMetadataId(p4.packetMetadataField(PACKET_OUT, M_EGRESS_PORT).getId())
                        .setValue(bytes(egressPort, 2)))).build());
    }

    // ---- pipeline ----

    public void setPipeline() {
        setPipeline(P4InfoFiles.translatorV1model(), SetForwardingPipelineConfigRequest.Action.VERIFY_AND_COMMIT);
    }

    public void setPipeline(P4Info info, SetForwardingPipelineConfigRequest.Action action) {
        stub().setForwardingPipelineConfig(SetForwardingPipelineConfigRequest.newBuilder().setDeviceId(DEVICE_ID)
                .setElectionId(election()).setAction(action).setConfig(ForwardingPipelineConfig.newBuilder().setP4Info(info)
                        .setCookie(ForwardingPipelineConfig.Cookie.newBuilder().setCookie(42))).build());
    }

    // ---- writes ----

    public static ByteString bytes(long value, int length) {
        byte[] b = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            b[i] = (byte) value;
            value >>>= 8;
        }
        return ByteString.copyFrom(b);
    }

    private static int bytesFor(int bits) {
        return (bits + 7) / 8;
    }

    /** A table entry: exact keys in match-field order (an LPM key is value then prefix length), an action and its parameters. */
    public TableEntry entry(String table, long[] keys, int prefixLength, String action, long... params) {
        var t = p4.table(table);
        TableEntry.Builder b = TableEntry.newBuilder().setTableId(t.getPreamble().getId());
        for (int i = 0; i < t.getMatchFieldsCount(); i++) {
            var f = t.getMatchFields(i);
            FieldMatch.Builder m = FieldMatch.newBuilder().setFieldId(f.getId());
            if (f.getMatchType() == MatchType.LPM) {
                m.setLpm(FieldMatch.LPM.newBuilder().setValue(bytes(keys[i], bytesFor(f.getBitwidth()))).setPrefixLen(prefixLength));
            } else {
                m.setExact(FieldMatch.Exact.newBuilder().setValue(bytes(keys[i], bytesFor(f.getBitwidth()))));
            }
            b.addMatch(m);
        }
        b.setAction(TableAction.newBuilder().setAction(action(action, params)));
        return b.build();
    }

    public Action action(String name, long... params) {
        var a = p4.action(name);
        Action.Builder b = Action.newBuilder().setActionId(a.getPreamble().getId());
        for (int i = 0; i < params.length; i++) {
            var p = a.getParams(i);
            b.addParams(Action.Param.newBuilder().setParamId(p.getId()).setValue(bytes(params[i], bytesFor(p.getBitwidth()))));
        }
        return b.build();
    }

    public Update insert(TableEntry e) {
        return Update.newBuilder().setType(Update.Type.INSERT).setEntity(Entity.newBuilder().setTableEntry(e)).build();
    }

    public Update modify(TableEntry e) {
        return Update.newBuilder().setType(Update.Type.MODIFY).setEntity(Entity.newBuilder().setTableEntry(e)).build();
    }

    public Update register(String name, int index, long value) {
        var r = p4.register(name);
        int width = r.getTypeSpec().getBitstring().getBit().getBitwidth();
        return Update.newBuilder().setType(Update.Type.MODIFY).setEntity(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder()
                .setRegisterId(r.getPreamble().getId()).setIndex(Index.newBuilder().setIndex(index))
                .setData(P4Data.newBuilder().setBitstring(bytes(value, bytesFor(width)))))).build();
    }

    public void write(Update... updates) {
        write(List.of(updates));
    }

    public void write(List<Update> updates) {
        try {
            stub().write(WriteRequest.newBuilder().setDeviceId(DEVICE_ID).setElectionId(election()).addAllUpdates(updates).build());
        } catch (StatusRuntimeException e) {
            throw new AssertionError("Write failed: " + e.getStatus() + " " + Errors.details(e), e);
        }
    }

    public void settings(int ackLog2, long flushMicros, int probeMillis) {
        TableEntry e = TableEntry.newBuilder().setTableId(p4.tableId(SETTINGS)).setIsDefaultAction(true)
                .setAction(TableAction.newBuilder().setAction(action(SET_SETTINGS, ackLog2, flushMicros, probeMillis))).build();
        write(modify(e));
    }

    /** A store entry of dta_stores from a catalog entry's definition (tail base for Append stores). */
    public Update store(net.dta.protocol.layout.StoreDefinition d, int appendBatch, int tailBase) {
        long id = d.storeId();
        return switch (d.layout()) {
            case net.dta.protocol.layout.KeyWriteLayout k -> insert(entry(STORES, new long[] {id}, 0, SET_KEY_WRITE_STORE,
                    k.log2Slots(), k.slotBytes(), k.defaultRedundancy()));
            case net.dta.protocol.layout.CounterLayout c -> insert(entry(STORES, new long[] {id}, 0,
                    c.kind() == net.dta.protocol.layout.StoreKind.SKETCH ? SET_SKETCH_STORE : SET_KEY_INCREMENT_STORE,
                    c.rows(), c.log2Columns()));
            case net.dta.protocol.layout.PostcardLayout p -> insert(entry(STORES, new long[] {id}, 0, SET_POSTCARD_STORE,
                    p.log2Rows(), p.hops(), p.rowBytes()));
            case net.dta.protocol.layout.AppendLayout a -> insert(entry(STORES, new long[] {id}, 0, SET_APPEND_STORE,
                    a.lists(), a.log2Entries(), appendBatch, tailBase));
        };
    }

    /** Every bucket of a store to one collector. */
    public List<Update> buckets(int storeId, int collector) {
        List<Update> out = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            out.add(insert(entry(COLLECTOR_SELECT, new long[] {storeId, b}, 0, SET_COLLECTOR, collector)));
        }
        return out;
    }

    public Update route(int address, int prefixLength, long srcMac, long dstMac) {
        return insert(entry(IPV4_ROUTES, new long[] {address & 0xFFFF_FFFFL}, prefixLength, FORWARD, 1, srcMac, dstMac));
    }

    public Update localAddress(int address) {
        return insert(entry(LOCAL_ADDRESSES, new long[] {address & 0xFFFF_FFFFL}, 0, LOCAL_ADDRESS));
    }

    public Update queuePair(int collector, int collectorIp, int translatorIp, int remoteQpn) {
        return insert(entry(QUEUE_PAIRS, new long[] {collector}, 0, SET_QUEUE_PAIR, collectorIp & 0xFFFF_FFFFL,
                translatorIp & 0xFFFF_FFFFL, remoteQpn));
    }

    public Update region(int collector, int storeId, int segment, long va, int rkey) {
        return insert(entry(REGIONS, new long[] {collector, storeId, segment}, 0, SET_REGION, va, rkey & 0xFFFF_FFFFL));
    }

    // ---- reads ----

    public List<Entity> read(Entity query) {
        List<Entity> out = new ArrayList<>();
        stub().read(ReadRequest.newBuilder().setDeviceId(DEVICE_ID).addEntities(query).build())
                .forEachRemaining(r -> out.addAll(r.getEntitiesList()));
        return out;
    }

    public long readRegister(String name, int index) {
        List<Entity> e = read(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder()
                .setRegisterId(p4.registerId(name)).setIndex(Index.newBuilder().setIndex(index))).build());
        ByteString v = e.get(0).getRegisterEntry().getData().getBitstring();
        long out = 0;
        for (int i = 0; i < v.size(); i++) {
            out = (out << 8) | (v.byteAt(i) & 0xFF);
        }
        return out;
    }

    public CounterData readCounter(String name, int index) {
        return read(Entity.newBuilder().setCounterEntry(CounterEntry.newBuilder().setCounterId(p4.counterId(name))
                .setIndex(Index.newBuilder().setIndex(index))).build()).get(0).getCounterEntry().getData();
    }

    // ---- connecting a queue pair (protocol.md 7) ----

    /** What connecting a queue pair found out. */
    public record Connection(int collector, int remoteQpn, int nextPsn, ConnectReplyData reply, Catalog catalog) {
    }

    /**
     * Connects the translator's queue pair to collector {@code c} (RDMA CM through PacketOut and
     * PacketIn), reads the collector's catalog with an RDMA READ through the translator, and
     * writes the queue pair, its registers and the regions of every store in the catalog. The
     * translator's own address must be in dta_local_addresses and a route to the collector written.
     */
    public Connection connect(int c, int translatorIp, int collectorIp, int startPsn) throws InterruptedException, IOException {
        return connect(c, translatorIp, collectorIp, startPsn, translatorIp, collectorIp);
    }

    /**
     * The same through a relay (a lossy link, a NAT): the REQ's MAC binds the addresses the
     * collector sees, {@code seenRequesterIp} (the relay's) and {@code seenCollectorIp} (its own).
     */
    public Connection connect(int c, int translatorIp, int collectorIp, int startPsn, int seenRequesterIp, int seenCollectorIp)
            throws InterruptedException, IOException {
        int qpn = BASE_QPN + c;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(4096, 8);
            CmFrameWriter cm = new CmFrameWriter();
            RoceRoute cmRoute = RoceRoute.forQueuePair(0, 0, translatorIp, collectorIp, 1);
            byte[] dta = ConnectRequestData.fresh(TestCmSecret.bytes(), 7, new net.dta.protocol.auth.CmBinding(
                    seenRequesterIp, RoceRoute.sourcePortOf(qpn), seenCollectorIp, ServiceId.DEFAULT_CM_PORT, qpn));
            int localCommId = 0x0A0B0C00 + c;
            int len = cm.req(frame, 0, cmRoute, 0, 0x100000000L + c, new ReqParameters(localCommId, ServiceId.DEFAULT_CM_PORT,
                    0x020000FFFE000001L, qpn, startPsn, PathMtu.code(1024), translatorIp, collectorIp, RoceRoute.sourcePortOf(qpn), dta));
            packetOut(copy(frame, len), 0);
            PacketIn rep = awaitPacketIn(REASON_CM_MAD);
            MemorySegment r = MemorySegment.ofArray(rep.getPayload().toByteArray());
            int message = RoceFrameWriter.BASE_HEADERS + 8 + 24;
            int attribute = Bytes.u16(r, RoceFrameWriter.BASE_HEADERS + 8 + 16);
            if (attribute != CmAttribute.REP) {
                throw new IOException("expected a CM REP, got attribute 0x" + Integer.toHexString(attribute));
            }
            int repCommId = r.get(Bytes.U32, message);
            int remoteQpn = Bytes.u24(r, message + 12);
            int sendPsn = Bytes.u24(r, message + 20); // the REP's starting PSN: where the translator sends from (protocol.md 7.3)
            ConnectReplyData reply = ConnectReplyData.decode(r, message + 36);
            packetOut(copy(frame, cm.rtu(frame, 0, cmRoute, 0, 0x200000000L + c, localCommId, repCommId)), 0);
            // The queue pair entry first (still down: dta_qp_up is 0), so that the READ responses
            // reach the controller as read_response, not unknown_queue_pair.
            write(queuePair(c, collectorIp, translatorIp, remoteQpn));

            // The catalog, with an RDMA READ through the translator on the queue pair's first PSN.
            RoceRoute qpRoute = RoceRoute.forQueuePair(0, 0, translatorIp, collectorIp, qpn);
            packetOut(copy(frame, new RoceFrameWriter().readRequest(frame, 0, qpRoute, remoteQpn, sendPsn, false,
                    reply.catalogVa(), reply.catalogRkey(), reply.catalogLength())), 0);
            int packets = Math.max(1, (reply.catalogLength() + 1023) / 1024);
            byte[] catalog = new byte[reply.catalogLength()];
            int got = 0;
            for (int i = 0; i < packets; i++) {
                MemorySegment p = MemorySegment.ofArray(awaitPacketIn(REASON_READ_RESPONSE).getPayload().toByteArray());
                int opcode = Bytes.u8(p, RoceFrameWriter.BTH_OFFSET);
                int header = RoceFrameWriter.BASE_HEADERS + (opcode == RoceOpcode.RC_RDMA_READ_RESPONSE_MIDDLE ? 0 : 4);
                int n = (int) p.byteSize() - header - 4;
                MemorySegment.copy(p, ValueLayout.JAVA_BYTE, header, catalog, got, n);
                got += n;
            }
            Catalog cat = Catalog.decode(catalog);
            int next = (sendPsn + packets) & 0xFF_FFFF;
            List<Update> updates = new ArrayList<>();
            for (CatalogEntry e : cat.entries()) {
                int[] rkeys = e.rkeys();
                for (int s = 0; s < rkeys.length; s++) {
                    updates.add(region(c, e.definition().storeId(), s, e.va() + ((long) s << 31), rkeys[s]));
                }
            }
            updates.add(register(REG_NEXT_PSN, c, next));
            updates.add(register(REG_LAST_ACKED_PSN, c, (next - 1) & 0xFF_FFFF));
            updates.add(register(REG_QP_UP, c, 1));
            write(updates);
            return new Connection(c, remoteQpn, next, reply, cat);
        }
    }

    private static byte[] copy(MemorySegment frame, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, 0, b, 0, length);
        return b;
    }

    /** Drops the connection without ending the stream, as a controller process that died. */
    public void abandon() {
        channel.shutdownNow();
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.onCompleted();
            } catch (RuntimeException e) {
                // already closed
            }
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
