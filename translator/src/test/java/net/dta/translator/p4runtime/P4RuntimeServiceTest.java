package net.dta.translator.p4runtime;

import static net.dta.p4.TranslatorP4Names.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import net.dta.p4.P4InfoFiles;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.Schema;
import net.dta.translator.testing.Errors;
import net.dta.translator.testing.TestController;
import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.v1.P4RuntimeOuterClass.*;

/**
 * The P4Runtime server over real gRPC (in-process transport) with the generated stubs:
 * pipeline configuration, arbitration, Write and Read of every kind of entity, and every error
 * code translator-control.md documents.
 */
class P4RuntimeServiceTest {
    private static int names;
    private Pipeline pipeline;
    private P4RuntimeService service;
    private P4RuntimeServer server;
    private TestController primary;
    private final List<TestController> others = new ArrayList<>();
    private String name;

    @BeforeEach
    void start() throws Exception {
        pipeline = new Pipeline(Schema.shipped(), 65536, -1);
        service = new P4RuntimeService(TestController.DEVICE_ID, pipeline, (frame, port) -> true);
        name = "p4rt-test-" + (++names) + "-" + System.nanoTime();
        server = P4RuntimeServer.inProcess(service, name);
        primary = TestController.inProcess(name, 100);
    }

    @AfterEach
    void stop() {
        others.forEach(TestController::close);
        primary.close();
        server.close();
        service.close();
    }

    private TestController another(long electionId) {
        TestController c = TestController.inProcess(name, electionId);
        others.add(c);
        return c;
    }

    private void ready() throws InterruptedException {
        primary.arbitrate();
        primary.setPipeline();
    }

    private static Status.Code code(Runnable r) {
        Throwable t = assertThrows(Throwable.class, r::run);
        while (t != null && !(t instanceof StatusRuntimeException)) {
            t = t.getCause();
        }
        assertTrue(t != null, "a gRPC status");
        return ((StatusRuntimeException) t).getStatus().getCode();
    }

    /** The per-update error codes of a Write that failed. */
    private List<Integer> updateCodes(Update... updates) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> primary.stub().write(WriteRequest.newBuilder()
                .setDeviceId(1).setElectionId(primary.election()).addAllUpdates(List.of(updates)).build()));
        assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode(), "a batch with failed updates is UNKNOWN with details");
        return Errors.details(e).stream().map(d -> d.getCanonicalCode()).toList();
    }

    private Update store(long id, long batch) {
        return primary.insert(primary.entry(STORES, new long[] {id}, 0, SET_APPEND_STORE, 4, 4, batch, 0));
    }

    // ---- pipeline ----

    @Test
    void getForwardingPipelineConfigReturnsTheShippedP4InfoUnchanged() throws Exception {
        ready();
        GetForwardingPipelineConfigResponse r = primary.stub().getForwardingPipelineConfig(GetForwardingPipelineConfigRequest
                .newBuilder().setDeviceId(1).setResponseType(GetForwardingPipelineConfigRequest.ResponseType.ALL).build());
        assertEquals(P4InfoFiles.translatorV1model(), r.getConfig().getP4Info());
        assertEquals(42, r.getConfig().getCookie().getCookie());
    }

    @Test
    void aP4InfoThatDiffersIsRefusedNamingTheDifference() throws Exception {
        primary.arbitrate();
        P4Info shipped = P4InfoFiles.translatorV1model();
        P4Info.Builder wrong = shipped.toBuilder();
        var table = wrong.getTablesBuilder(0);
        table.getMatchFieldsBuilder(0).setBitwidth(32);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> primary.setPipeline(wrong.build(), SetForwardingPipelineConfigRequest.Action.VERIFY_AND_COMMIT));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("table Ingress.dta_stores: match field store_id has 32 bits instead of 16"),
                e.getStatus().getDescription());
        StatusRuntimeException tna = assertThrows(StatusRuntimeException.class,
                () -> primary.setPipeline(P4InfoFiles.translatorTna(), SetForwardingPipelineConfigRequest.Action.VERIFY_AND_COMMIT));
        assertEquals(Status.Code.INVALID_ARGUMENT, tna.getStatus().getCode());
        assertTrue(tna.getStatus().getDescription().contains("is missing"), tna.getStatus().getDescription());
        // Nothing was committed.
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> primary.write(primary.register(REG_QP_UP, 0, 1))
        ));
    }

    @Test
    void verifyAndSaveThenCommitAndVerifyOnly() throws Exception {
        primary.arbitrate();
        primary.setPipeline(P4InfoFiles.translatorV1model(), SetForwardingPipelineConfigRequest.Action.VERIFY);
        assertTrue(!service.pipelineSet());
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> primary.setPipeline(P4InfoFiles.translatorV1model(),
                SetForwardingPipelineConfigRequest.Action.COMMIT)));
        primary.setPipeline(P4InfoFiles.translatorV1model(), SetForwardingPipelineConfigRequest.Action.VERIFY_AND_SAVE);
        primary.setPipeline(P4InfoFiles.translatorV1model(), SetForwardingPipelineConfigRequest.Action.COMMIT);
        assertTrue(service.pipelineSet());
        // RECONCILE_AND_COMMIT keeps the state; VERIFY_AND_COMMIT starts afresh.
        primary.write(primary.localAddress(0x7F000001));
        primary.setPipeline(P4InfoFiles.translatorV1model(), SetForwardingPipelineConfigRequest.Action.RECONCILE_AND_COMMIT);
        assertEquals(1, primary.read(tableQuery(LOCAL_ADDRESSES)).size());
        primary.setPipeline();
        assertEquals(0, primary.read(tableQuery(LOCAL_ADDRESSES)).size());
    }

    @Test
    void writesAndReadsNeedAPipeline() throws Exception {
        primary.arbitrate();
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> primary.read(tableQuery(STORES))));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> primary.stub().write(WriteRequest.newBuilder().setDeviceId(1)
                .setElectionId(primary.election()).build())));
    }

    // ---- arbitration ----

    @Test
    void onlyTheHighestElectionIdWritesAndTheOthersAreToldTheyAreNotPrimary() throws Exception {
        MasterArbitrationUpdate first = primary.arbitrate();
        assertEquals(Code.OK_VALUE, first.getStatus().getCode());
        primary.setPipeline();
        TestController backup = another(50);
        MasterArbitrationUpdate second = backup.arbitrate();
        assertEquals(Code.ALREADY_EXISTS_VALUE, second.getStatus().getCode(), "not primary");
        assertEquals(100, second.getElectionId().getLow(), "the primary's election id");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> backup.stub().write(WriteRequest.newBuilder()
                .setDeviceId(1).setElectionId(backup.election()).addUpdates(backup.localAddress(1)).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("not primary"));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> backup.setPipeline()));
        // Anyone may read.
        assertEquals(0, backup.read(tableQuery(STORES)).size());
        // A higher id takes over; the old primary hears it.
        TestController usurper = another(200);
        assertEquals(Code.OK_VALUE, usurper.arbitrate().getStatus().getCode());
        assertEquals(Code.ALREADY_EXISTS_VALUE, primary.nextArbitration().getStatus().getCode());
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> primary.write(primary.localAddress(2))));
        usurper.write(usurper.localAddress(2));
        // When it leaves, the next highest is primary again and told so.
        usurper.close();
        assertEquals(Code.OK_VALUE, primary.nextArbitration().getStatus().getCode());
        primary.write(primary.localAddress(3));
    }

    @Test
    void aDuplicateElectionIdOrAnotherDeviceClosesTheStream() throws Exception {
        primary.arbitrate();
        TestController twin = another(100);
        twin.openStream();
        twin.send(StreamMessageRequest.newBuilder().setArbitration(MasterArbitrationUpdate.newBuilder().setDeviceId(1)
                .setElectionId(twin.election())).build());
        waitFor(() -> twin.streamFailure() != null);
        assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(twin.streamFailure()).getCode());
        TestController stranger = another(7);
        stranger.openStream();
        stranger.send(StreamMessageRequest.newBuilder().setArbitration(MasterArbitrationUpdate.newBuilder().setDeviceId(9)
                .setElectionId(stranger.election())).build());
        waitFor(() -> stranger.streamFailure() != null);
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(stranger.streamFailure()).getCode());
    }

    @Test
    void packetOutFromABackupIsRefusedOnTheStream() throws Exception {
        ready();
        TestController backup = another(5);
        backup.arbitrate();
        backup.packetOut(new byte[60], 1);
        StreamError e = backup.nextStreamError();
        assertEquals(Status.Code.PERMISSION_DENIED.value(), e.getCanonicalCode());
        primary.send(StreamMessageRequest.newBuilder().setPacket(PacketOut.newBuilder()
                .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[60]))).build());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), primary.nextStreamError().getCanonicalCode(), "no egress_port");
    }

    // ---- Write and Read ----

    @Test
    void entriesOfEveryTableRoundTripInCanonicalForm() throws Exception {
        ready();
        List<Update> updates = List.of(
                primary.insert(primary.entry(STORES, new long[] {1}, 0, SET_KEY_WRITE_STORE, 10, 8, 2)),
                primary.insert(primary.entry(STORES, new long[] {2}, 0, SET_KEY_INCREMENT_STORE, 2, 10)),
                primary.insert(primary.entry(STORES, new long[] {3}, 0, SET_POSTCARD_STORE, 8, 5, 64)),
                primary.insert(primary.entry(STORES, new long[] {4}, 0, SET_APPEND_STORE, 4, 4, 2, 100)),
                primary.insert(primary.entry(STORES, new long[] {5}, 0, SET_SKETCH_STORE, 2, 10)),
                primary.insert(primary.entry(COLLECTOR_SELECT, new long[] {1, 0x83}, 0, SET_COLLECTOR, 3)),
                primary.queuePair(3, 0x0A000002, 0x0A000001, 0x11),
                primary.region(3, 1, 0, 0x7F0000000000L, 0x1234),
                primary.localAddress(0x0A000001),
                primary.route(0x0A000000, 8, 0x020000000001L, 0x020000000002L),
                primary.insert(primary.entry(IPV4_ROUTES, new long[] {0x0B000000}, 8, SEND_TO_CPU)));
        primary.write(updates);
        List<Entity> all = primary.read(Entity.newBuilder().setTableEntry(TableEntry.getDefaultInstance()).build());
        assertEquals(updates.size(), all.size());
        List<Entity> stores = primary.read(tableQuery(STORES));
        assertEquals(5, stores.size());
        TableEntry kw = stores.get(0).getTableEntry();
        assertEquals(1, kw.getMatch(0).getExact().getValue().size(), "canonical: 16-bit store id 1 is one byte");
        assertEquals(10, kw.getAction().getAction().getParams(0).getValue().byteAt(0));
        // One entry by key.
        List<Entity> one = primary.read(Entity.newBuilder().setTableEntry(primary.entry(COLLECTOR_SELECT, new long[] {1, 0x83}, 0,
                SET_COLLECTOR, 0)).build());
        assertEquals(3, one.get(0).getTableEntry().getAction().getAction().getParams(0).getValue().byteAt(0));
        // MODIFY and DELETE.
        primary.write(primary.modify(primary.entry(COLLECTOR_SELECT, new long[] {1, 0x83}, 0, SET_COLLECTOR, 4)));
        assertEquals(4, pipeline.tables().collector(1, 0x83));
        primary.write(Update.newBuilder().setType(Update.Type.DELETE).setEntity(Entity.newBuilder().setTableEntry(
                primary.entry(COLLECTOR_SELECT, new long[] {1, 0x83}, 0, SET_COLLECTOR, 4))).build());
        assertEquals(-1, pipeline.tables().collector(1, 0x83));
        assertEquals(0x1234, pipeline.tables().region(3, 1, 0).rkey());
        assertEquals(net.dta.translator.pipeline.RouteAction.FORWARD, pipeline.tables().queuePair(3).egress());
    }

    @Test
    void defaultEntriesAreConstantExceptTheSettings() throws Exception {
        ready();
        List<Entity> d = primary.read(Entity.newBuilder().setTableEntry(TableEntry.newBuilder()
                .setTableId(primary.p4().tableId(STORES)).setIsDefaultAction(true)).build());
        assertEquals(primary.p4().actionId(UNKNOWN_STORE), d.get(0).getTableEntry().getAction().getAction().getActionId());
        TableEntry routeDefault = TableEntry.newBuilder().setTableId(primary.p4().tableId(IPV4_ROUTES)).setIsDefaultAction(true)
                .setAction(TableAction.newBuilder().setAction(primary.action(SEND_TO_CPU))).build();
        assertEquals(List.of(Status.Code.PERMISSION_DENIED.value()), updateCodes(primary.modify(routeDefault)));
        assertEquals(List.of(Status.Code.INVALID_ARGUMENT.value()), updateCodes(primary.insert(routeDefault)));
        primary.settings(3, 500, 20);
        assertEquals(3, pipeline.tables().settings().ackIntervalLog2());
        List<Entity> s = primary.read(Entity.newBuilder().setTableEntry(TableEntry.newBuilder()
                .setTableId(primary.p4().tableId(SETTINGS)).setIsDefaultAction(true)).build());
        assertEquals(primary.action(SET_SETTINGS, 3, 500, 20).getParams(2).getValue().byteAt(1),
                s.get(0).getTableEntry().getAction().getAction().getParams(2).getValue().byteAt(0));
        // Keyless: no entries but the default.
        assertEquals(List.of(Status.Code.INVALID_ARGUMENT.value()), updateCodes(primary.insert(TableEntry.newBuilder()
                .setTableId(primary.p4().tableId(SETTINGS)).setAction(TableAction.newBuilder()
                        .setAction(primary.action(SET_SETTINGS, 1, 1, 1))).build())));
    }

    @Test
    void everyDocumentedErrorCode() throws Exception {
        ready();
        int invalid = Status.Code.INVALID_ARGUMENT.value();
        TableEntry good = primary.entry(LOCAL_ADDRESSES, new long[] {0x0A000001}, 0, LOCAL_ADDRESS);
        primary.write(primary.insert(good));
        assertEquals(List.of(Status.Code.ALREADY_EXISTS.value()), updateCodes(primary.insert(good)));
        assertEquals(List.of(Status.Code.NOT_FOUND.value()), updateCodes(primary.modify(
                primary.entry(LOCAL_ADDRESSES, new long[] {0x0A000002}, 0, LOCAL_ADDRESS))));
        assertEquals(List.of(Status.Code.NOT_FOUND.value()), updateCodes(Update.newBuilder().setType(Update.Type.DELETE)
                .setEntity(Entity.newBuilder().setTableEntry(primary.entry(LOCAL_ADDRESSES, new long[] {9}, 0, LOCAL_ADDRESS))).build()));
        // Unknown table, unknown action, an action of another table, a default-only action.
        assertEquals(List.of(invalid), updateCodes(primary.insert(good.toBuilder().setTableId(12345).build())));
        assertEquals(List.of(invalid), updateCodes(primary.insert(good.toBuilder().setAction(TableAction.newBuilder()
                .setAction(Action.newBuilder().setActionId(999))).build())));
        assertEquals(List.of(invalid), updateCodes(primary.insert(primary.entry(LOCAL_ADDRESSES, new long[] {3}, 0, DROP))));
        assertEquals(List.of(invalid), updateCodes(primary.insert(primary.entry(STORES, new long[] {3}, 0, UNKNOWN_STORE))));
        // A missing match field, a value wider than its field, a missing and an unknown parameter.
        assertEquals(List.of(invalid), updateCodes(primary.insert(primary.entry(COLLECTOR_SELECT, new long[] {1, 2}, 0, SET_COLLECTOR, 1)
                .toBuilder().removeMatch(1).build())));
        assertEquals(List.of(invalid), updateCodes(primary.insert(primary.entry(COLLECTOR_SELECT, new long[] {1, 2}, 0, SET_COLLECTOR, 1)
                .toBuilder().setMatch(1, FieldMatch.newBuilder().setFieldId(2).setExact(FieldMatch.Exact.newBuilder()
                        .setValue(TestController.bytes(0x1FF, 2)))).build())));
        TableEntry qp = primary.entry(QUEUE_PAIRS, new long[] {1}, 0, SET_QUEUE_PAIR, 1, 2, 3);
        assertEquals(List.of(invalid), updateCodes(primary.insert(qp.toBuilder().setAction(TableAction.newBuilder().setAction(
                qp.getAction().getAction().toBuilder().removeParams(2))).build())));
        assertEquals(List.of(invalid), updateCodes(primary.insert(qp.toBuilder().setAction(TableAction.newBuilder().setAction(
                qp.getAction().getAction().toBuilder().setParams(2, Action.Param.newBuilder().setParamId(9)
                        .setValue(TestController.bytes(1, 1))))).build())));
        assertEquals(List.of(invalid), updateCodes(primary.insert(qp.toBuilder().setAction(TableAction.newBuilder().setAction(
                qp.getAction().getAction().toBuilder().setParams(2, Action.Param.newBuilder().setParamId(3)
                        .setValue(TestController.bytes(1 << 24, 4))))).build())), "remote_qpn is 24 bits");
        // LPM: bits beyond the prefix, prefix 0 written explicitly.
        assertEquals(List.of(invalid), updateCodes(primary.route(0x0A000001, 8, 1, 2)));
        assertEquals(List.of(invalid), updateCodes(primary.route(0, 0, 1, 2)));
        // Store parameters outside protocol.md 2.4.
        assertEquals(List.of(invalid), updateCodes(store(4, 3)));
        assertEquals(List.of(Status.Code.OUT_OF_RANGE.value()), updateCodes(primary.insert(primary.entry(STORES, new long[] {4}, 0,
                SET_APPEND_STORE, 4, 4, 2, 65534))));
        // Registers: internal ones, indexes out of range, values too wide, INSERT.
        Update internal = Update.newBuilder().setType(Update.Type.MODIFY).setEntity(Entity.newBuilder().setRegisterEntry(
                RegisterEntry.newBuilder().setRegisterId(primary.p4().registerId("Ingress.qp_timer"))
                        .setIndex(Index.newBuilder().setIndex(0)).setData(p4.v1.P4DataOuterClass.P4Data.newBuilder()
                                .setBitstring(TestController.bytes(0, 6))))).build();
        assertEquals(List.of(Status.Code.UNIMPLEMENTED.value()), updateCodes(internal));
        assertEquals(Status.Code.UNIMPLEMENTED, code(() -> primary.read(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder()
                .setRegisterId(primary.p4().registerId("Ingress.pc_key"))).build())));
        assertEquals(List.of(Status.Code.OUT_OF_RANGE.value()), updateCodes(primary.register(REG_QP_UP, 256, 1)));
        Update wide = primary.register(REG_QP_UP, 0, 1);
        assertEquals(List.of(invalid), updateCodes(wide.toBuilder().setEntity(wide.getEntity().toBuilder().setRegisterEntry(
                wide.getEntity().getRegisterEntry().toBuilder().setData(p4.v1.P4DataOuterClass.P4Data.newBuilder()
                        .setBitstring(TestController.bytes(256, 2))))).build()), "dta_qp_up is 8 bits");
        assertEquals(List.of(invalid), updateCodes(primary.register(REG_QP_UP, 0, 1).toBuilder().setType(Update.Type.INSERT).build()));
        // Table full.
        List<Update> many = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            many.add(primary.localAddress(0x0B000000 + i));
        }
        List<Integer> codes = updateCodes(many.toArray(new Update[0]));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED.value(), (int) codes.get(63), "64 entries: one was there already");
        assertEquals(0, (int) codes.get(0));
        // Request-level: another device, DATAPLANE_ATOMIC.
        assertEquals(Status.Code.NOT_FOUND, code(() -> primary.stub().write(WriteRequest.newBuilder().setDeviceId(7)
                .setElectionId(primary.election()).build())));
        assertEquals(Status.Code.UNIMPLEMENTED, code(() -> primary.stub().write(WriteRequest.newBuilder().setDeviceId(1)
                .setElectionId(primary.election()).setAtomicity(WriteRequest.Atomicity.DATAPLANE_ATOMIC).build())));
    }

    @Test
    void continueOnErrorAppliesTheValidUpdatesAndRollbackNone() throws Exception {
        ready();
        List<Integer> codes = updateCodes(store(1, 2), store(2, 3), store(3, 4));
        assertEquals(List.of(0, Status.Code.INVALID_ARGUMENT.value(), 0), codes);
        assertEquals(2, primary.read(tableQuery(STORES)).size());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> primary.stub().write(WriteRequest.newBuilder()
                .setDeviceId(1).setElectionId(primary.election()).setAtomicity(WriteRequest.Atomicity.ROLLBACK_ON_ERROR)
                .addUpdates(store(7, 2)).addUpdates(store(8, 5)).build()));
        assertEquals(List.of(Status.Code.ABORTED.value(), Status.Code.INVALID_ARGUMENT.value()),
                Errors.details(e).stream().map(d -> d.getCanonicalCode()).toList());
        assertEquals(2, primary.read(tableQuery(STORES)).size());
    }

    @Test
    void registersCountersAndCloneSessionsAreWrittenAndRead() throws Exception {
        ready();
        primary.write(primary.register(REG_NEXT_PSN, 3, 0xABCDEF), primary.register(REG_APPEND_TAIL, 65535, 77));
        assertEquals(0xABCDEF, primary.readRegister(REG_NEXT_PSN, 3));
        assertEquals(77, primary.readRegister(REG_APPEND_TAIL, 65535));
        assertEquals(256, primary.read(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder()
                .setRegisterId(primary.p4().registerId(REG_QP_UP))).build()).size());
        assertEquals(16, primary.read(Entity.newBuilder().setCounterEntry(CounterEntry.newBuilder()
                .setCounterId(primary.p4().counterId(CTR_DROPS))).build()).size());
        assertEquals(8 + 16 + 256 * 4 + 1024, primary.read(Entity.newBuilder().setCounterEntry(CounterEntry.getDefaultInstance())
                .build()).size());
        Update clone = Update.newBuilder().setType(Update.Type.INSERT).setEntity(Entity.newBuilder().setPacketReplicationEngineEntry(
                PacketReplicationEngineEntry.newBuilder().setCloneSessionEntry(CloneSessionEntry.newBuilder()
                        .setSessionId(LOOP_CLONE_SESSION).addReplicas(Replica.newBuilder().setEgressPort(68))))).build();
        primary.write(clone);
        assertEquals(List.of(Status.Code.ALREADY_EXISTS.value()), updateCodes(clone));
        assertEquals(1, primary.read(Entity.newBuilder().setPacketReplicationEngineEntry(PacketReplicationEngineEntry
                .getDefaultInstance()).build()).size());
        assertEquals(List.of(Status.Code.UNIMPLEMENTED.value()), updateCodes(Update.newBuilder().setType(Update.Type.MODIFY)
                .setEntity(Entity.newBuilder().setCounterEntry(CounterEntry.newBuilder().setCounterId(primary.p4().counterId(CTR_DROPS))
                        .setIndex(Index.newBuilder().setIndex(1)).setData(CounterData.newBuilder().setPacketCount(5)))).build()));
    }

    private Entity tableQuery(String table) {
        return Entity.newBuilder().setTableEntry(TableEntry.newBuilder().setTableId(primary.p4().tableId(table))).build();
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 500 && !c.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(c.getAsBoolean());
    }
}
