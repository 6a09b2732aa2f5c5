package net.dta.bench;

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
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import net.dta.p4.BinaryStrings;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.ReqParameters;
import net.dta.rdma.cm.ServiceId;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;
import p4.config.v1.P4InfoOuterClass.MatchField.MatchType;
import p4.v1.P4DataOuterClass.P4Data;
import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.Action;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.FieldMatch;
import p4.v1.P4RuntimeOuterClass.ForwardingPipelineConfig;
import p4.v1.P4RuntimeOuterClass.Index;
import p4.v1.P4RuntimeOuterClass.MasterArbitrationUpdate;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.PacketMetadata;
import p4.v1.P4RuntimeOuterClass.PacketOut;
import p4.v1.P4RuntimeOuterClass.RegisterEntry;
import p4.v1.P4RuntimeOuterClass.SetForwardingPipelineConfigRequest;
import p4.v1.P4RuntimeOuterClass.StreamMessageRequest;
import p4.v1.P4RuntimeOuterClass.StreamMessageResponse;
import p4.v1.P4RuntimeOuterClass.TableAction;
import p4.v1.P4RuntimeOuterClass.TableEntry;
import p4.v1.P4RuntimeOuterClass.Uint128;
import p4.v1.P4RuntimeOuterClass.Update;
import p4.v1.P4RuntimeOuterClass.WriteRequest;

/**
 * Just enough of a controller for the one set-up the switch controller cannot program from a
 * deployment file: {@code ./dta bench loss}, whose collector is reached through a
 * {@link net.dta.translator.link.LossyRelay} and so sees the relay's address as the requester,
 * which the CM REQ's MAC must bind (protocol.md 7.2). Every other benchmark is programmed by the
 * switch controller itself ({@link DtaDeployment}). Through the translator's only interface,
 * P4Runtime (translator-control.md): arbitration, the pipeline, the tables, the queue-pair
 * registers, and the RDMA CM connection of each queue pair through PacketOut/PacketIn
 * (protocol.md 7). The catalog is taken from the collector in the same process instead of an
 * RDMA READ.
 */
final class BenchController implements AutoCloseable {
    private static final long DEVICE_ID = 1;
    private static final long TIMEOUT_SECONDS = 10;

    private final ManagedChannel channel;
    private final P4InfoIndex p4 = new P4InfoIndex(P4InfoFiles.translatorV1model());
    private final Uint128 election = Uint128.newBuilder().setLow(1).build();
    private final BlockingQueue<StreamMessageResponse> messages = new LinkedBlockingQueue<>();
    private final StreamObserver<StreamMessageRequest> stream;
    private volatile Throwable streamFailure;

    /** Connects, becomes primary and sets the translator's pipeline. */
    private final byte[] cmSecret;

    /** @param cmSecret the benchmark deployment's CM secret (its collectors' cm.secret-file) */
    BenchController(InetSocketAddress p4runtime, byte[] cmSecret) throws IOException, InterruptedException {
        this.cmSecret = cmSecret.clone();
        this.channel = NettyChannelBuilder.forAddress(p4runtime.getHostString(), p4runtime.getPort()).usePlaintext().build();
        this.stream = P4RuntimeGrpc.newStub(channel).streamChannel(new StreamObserver<>() {
            @Override
            public void onNext(StreamMessageResponse r) {
                messages.add(r);
            }

            @Override
            public void onError(Throwable t) {
                streamFailure = t;
            }

            @Override
            public void onCompleted() {
            }
        });
        stream.onNext(StreamMessageRequest.newBuilder().setArbitration(MasterArbitrationUpdate.newBuilder().setDeviceId(DEVICE_ID)
                .setElectionId(election)).build());
        StreamMessageResponse answer = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (answer == null || !answer.hasArbitration()) {
            close();
            throw new IOException("no arbitration answer from the translator at " + p4runtime + (streamFailure == null ? "" : ": " + streamFailure));
        }
        blocking().setForwardingPipelineConfig(SetForwardingPipelineConfigRequest.newBuilder().setDeviceId(DEVICE_ID)
                .setElectionId(election).setAction(SetForwardingPipelineConfigRequest.Action.VERIFY_AND_COMMIT)
                .setConfig(ForwardingPipelineConfig.newBuilder().setP4Info(p4.p4Info())).build());
    }

    private P4RuntimeGrpc.P4RuntimeBlockingStub blocking() {
        return P4RuntimeGrpc.newBlockingStub(channel).withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    void write(List<Update> updates) throws IOException {
        try {
            blocking().write(WriteRequest.newBuilder().setDeviceId(DEVICE_ID).setElectionId(election).addAllUpdates(updates).build());
        } catch (StatusRuntimeException e) {
            throw new IOException("the translator refused a P4Runtime write: " + e.getStatus(), e);
        }
    }

    // ------------------------------------------------------------------ entries

    /** The default entry of dta_settings (translator-control.md 1): AckReq interval, flush interval, probe interval. */
    Update settings(int ackIntervalLog2, long flushMicros, long probeMillis) {
        TableEntry e = TableEntry.newBuilder().setTableId(p4.tableId(SETTINGS)).setIsDefaultAction(true)
                .setAction(TableAction.newBuilder().setAction(action(SET_SETTINGS, ackIntervalLog2, flushMicros, probeMillis))).build();
        return Update.newBuilder().setType(Update.Type.MODIFY).setEntity(Entity.newBuilder().setTableEntry(e)).build();
    }

    Update localAddress(int address) {
        return insert(LOCAL_ADDRESSES, new long[] {address & 0xFFFF_FFFFL}, 0, LOCAL_ADDRESS);
    }

    /** A /32 route out of the network port. */
    Update route(int address, long srcMac, long dstMac) {
        return insert(IPV4_ROUTES, new long[] {address & 0xFFFF_FFFFL}, 32, FORWARD, NETWORK_PORT, srcMac, dstMac);
    }

    Update store(StoreDefinition d, int appendBatch, int tailBase) {
        long id = d.storeId();
        return switch (d.layout()) {
            case KeyWriteLayout k -> insert(STORES, new long[] {id}, 0, SET_KEY_WRITE_STORE, k.log2Slots(), k.slotBytes(),
                    k.defaultRedundancy());
            case CounterLayout c -> insert(STORES, new long[] {id}, 0,
                    c.kind() == StoreKind.SKETCH ? SET_SKETCH_STORE : SET_KEY_INCREMENT_STORE, c.rows(), c.log2Columns());
            case PostcardLayout p -> insert(STORES, new long[] {id}, 0, SET_POSTCARD_STORE, p.log2Rows(), p.hops(), p.rowBytes());
            case AppendLayout a -> insert(STORES, new long[] {id}, 0, SET_APPEND_STORE, a.lists(), a.log2Entries(), appendBatch, tailBase);
        };
    }

    /** Bucket b of the store to collector {@code b mod collectors} (protocol.md 8, the controller's default map). */
    List<Update> buckets(int storeId, int collectors) {
        List<Update> out = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            out.add(insert(COLLECTOR_SELECT, new long[] {storeId, b}, 0, SET_COLLECTOR, b % collectors));
        }
        return out;
    }

    private Update insert(String table, long[] keys, int prefixLength, String action, long... params) {
        var t = p4.table(table);
        TableEntry.Builder e = TableEntry.newBuilder().setTableId(t.getPreamble().getId());
        for (int i = 0; i < t.getMatchFieldsCount(); i++) {
            var f = t.getMatchFields(i);
            ByteString value = BinaryStrings.padded(keys[i], f.getBitwidth(), table + "." + f.getName());
            FieldMatch.Builder m = FieldMatch.newBuilder().setFieldId(f.getId());
            if (f.getMatchType() == MatchType.LPM) {
                m.setLpm(FieldMatch.LPM.newBuilder().setValue(value).setPrefixLen(prefixLength));
            } else {
                m.setExact(FieldMatch.Exact.newBuilder().setValue(value));
            }
            e.addMatch(m);
        }
        e.setAction(TableAction.newBuilder().setAction(action(action, params)));
        return Update.newBuilder().setType(Update.Type.INSERT).setEntity(Entity.newBuilder().setTableEntry(e)).build();
    }

    private Action action(String name, long... params) {
        var a = p4.action(name);
        Action.Builder b = Action.newBuilder().setActionId(a.getPreamble().getId());
        for (int i = 0; i < params.length; i++) {
            b.addParams(Action.Param.newBuilder().setParamId(a.getParams(i).getId()).setValue(BinaryStrings.padded(params[i], a.getParams(i).getBitwidth(),
                    name + "." + a.getParams(i).getName())));
        }
        return b.build();
    }

    private Update register(String name, int index, long value) {
        var r = p4.register(name);
        return Update.newBuilder().setType(Update.Type.MODIFY).setEntity(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder()
                .setRegisterId(r.getPreamble().getId()).setIndex(Index.newBuilder().setIndex(index))
                .setData(P4Data.newBuilder().setBitstring(BinaryStrings.padded(value, r.getTypeSpec().getBitstring().getBit().getBitwidth(), name))))).build();
    }

    // ------------------------------------------------------------------ queue pairs

    /**
     * Connects queue pair {@code c} to a collector through a relay (CM REQ, REP, RTU through the
     * translator; the REQ's MAC binds the addresses the collector sees: the relay's, its own), then
     * writes the queue pair, the regions of the collector's catalog and the queue-pair registers.
     * Needs the translator's local address and a route to the relay written before.
     */
    void connect(int c, int translatorIp, int collectorIp, int startPsn, Catalog catalog, int seenRequesterIp, int seenCollectorIp)
            throws IOException, InterruptedException {
        int qpn = BASE_QPN + c;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(4096, 8);
            CmFrameWriter cm = new CmFrameWriter();
            RoceRoute route = RoceRoute.forQueuePair(0, 0, translatorIp, collectorIp, 1);
            byte[] requestData = ConnectRequestData.fresh(cmSecret, 1, new net.dta.protocol.auth.CmBinding(seenRequesterIp,
                    RoceRoute.sourcePortOf(qpn), seenCollectorIp, ServiceId.DEFAULT_CM_PORT, qpn));
            int commId = 0x0BE0_0000 + c;
            packetOut(frame, cm.req(frame, 0, route, 0, 0x1_0000_0000L + c, new ReqParameters(commId, ServiceId.DEFAULT_CM_PORT,
                    0x020000FFFE000001L, qpn, startPsn, PathMtu.code(1024), translatorIp, collectorIp, RoceRoute.sourcePortOf(qpn),
                    requestData)));
            MemorySegment rep = MemorySegment.ofArray(awaitPacketIn(REASON_CM_MAD).getPayload().toByteArray());
            RocePacket packet = new RocePacket();
            CmPacket parsed = new CmPacket();
            if (packet.parse(rep, 0, (int) rep.byteSize(), false) != MalformedReason.OK || parsed.parse(packet) != CmParseResult.OK
                    || parsed.attributeId() != CmAttribute.REP) {
                throw new IOException("collector " + c + " did not answer the CM REQ with a REP");
            }
            int remoteQpn = parsed.rep().localQpn();
            int sendPsn = parsed.rep().startingPsn(); // the translator sends from the REP's starting PSN (protocol.md 7.3)
            packetOut(frame, cm.rtu(frame, 0, route, 0, 0x2_0000_0000L + c, commId, parsed.rep().localCommId()));
            List<Update> updates = new ArrayList<>();
            updates.add(insert(QUEUE_PAIRS, new long[] {c}, 0, SET_QUEUE_PAIR, collectorIp & 0xFFFF_FFFFL, translatorIp & 0xFFFF_FFFFL,
                    remoteQpn));
            for (CatalogEntry e : catalog.entries()) {
                for (int s = 0; s < e.rkeys().length; s++) {
                    updates.add(insert(REGIONS, new long[] {c, e.definition().storeId(), s}, 0, SET_REGION, e.va() + ((long) s << 31),
                            e.rkeys()[s] & 0xFFFF_FFFFL));
                }
            }
            updates.add(register(REG_NEXT_PSN, c, sendPsn));
            updates.add(register(REG_LAST_ACKED_PSN, c, (sendPsn - 1) & 0xFF_FFFF));
            updates.add(register(REG_QP_UP, c, 1));
            write(updates);
        }
    }

    private void packetOut(MemorySegment frame, int length) {
        stream.onNext(StreamMessageRequest.newBuilder().setPacket(PacketOut.newBuilder()
                .setPayload(ByteString.copyFrom(frame.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)))
                .addMetadata(PacketMetadata.newBuilder().setMetadataId(p4.packetMetadataField(PACKET_OUT, M_EGRESS_PORT).getId())
                        .setValue(BinaryStrings.padded(0, 16, M_EGRESS_PORT)))).build());
    }

    private PacketIn awaitPacketIn(int reason) throws IOException, InterruptedException {
        int reasonId = p4.packetMetadataField(PACKET_IN, M_REASON).getId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            StreamMessageResponse r = messages.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.hasPacket()) {
                for (PacketMetadata m : r.getPacket().getMetadataList()) {
                    if (m.getMetadataId() == reasonId && (m.getValue().byteAt(m.getValue().size() - 1) & 0xFF) == reason) {
                        return r.getPacket();
                    }
                }
            }
        }
        throw new IOException("no PacketIn with reason " + reason + " from the translator within " + TIMEOUT_SECONDS + " s");
    }

    @Override
    public void close() {
        try {
            stream.onCompleted();
        } catch (RuntimeException e) {
            // the stream is already gone
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
