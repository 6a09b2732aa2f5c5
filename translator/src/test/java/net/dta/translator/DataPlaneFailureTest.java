package net.dta.translator;

import static net.dta.p4.TranslatorP4Names.REG_APPEND_TAIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.p4runtime.P4RuntimeService;
import net.dta.translator.testing.LoopbackDeployment;
import net.dta.translator.testing.TestController;
import p4.v1.P4RuntimeOuterClass.ReadRequest;
import p4.v1.P4RuntimeOuterClass.Update;
import p4.v1.P4RuntimeOuterClass.WriteRequest;

/**
 * Issue 13 item 4: one 300,000-update Write (20 MiB) exhausted the translator's heap; the
 * data-plane thread was gone while P4Runtime, the status and the controller still said "ready".
 * Requests are now bounded (RESOURCE_EXHAUSTED), and a stopped data plane fails the health check,
 * the metrics and every P4Runtime RPC (UNAVAILABLE, which the controller treats as the switch lost).
 */
class DataPlaneFailureTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void oversizedRequestsAndBatchesAreRefusedAndTheTranslatorStaysUsable() throws Exception {
        try (Translator t = Translator.start(TranslatorConfig.forTest(net.dta.testkit.Loopback.uniqueSubnet() + "1", Mode.UDP));
             TestController c = TestController.tcp(t.p4runtimeAddress(), 1)) {
            c.arbitrate();
            c.setPipeline();
            List<Update> many = new ArrayList<>();
            for (int i = 0; i <= P4RuntimeService.MAX_UPDATES_PER_WRITE; i++) {
                many.add(c.register(REG_APPEND_TAIL, i % 1024, i));
            }
            StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> c.stub().write(
                    WriteRequest.newBuilder().setDeviceId(TestController.DEVICE_ID).setElectionId(c.election()).addAllUpdates(many).build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooMany.getStatus().getCode(), tooMany.toString());
            assertTrue(tooMany.getStatus().getDescription().contains("at most 10000"), tooMany.getStatus().getDescription());

            Update huge = c.register(REG_APPEND_TAIL, 0, 0).toBuilder().setEntity(c.register(REG_APPEND_TAIL, 0, 0).getEntity().toBuilder()
                    .setRegisterEntry(c.register(REG_APPEND_TAIL, 0, 0).getEntity().getRegisterEntry().toBuilder()
                            .setData(p4.v1.P4DataOuterClass.P4Data.newBuilder().setBitstring(ByteString.copyFrom(new byte[5 << 20]))))).build();
            StatusRuntimeException tooBig = assertThrows(StatusRuntimeException.class, () -> c.stub().write(
                    WriteRequest.newBuilder().setDeviceId(TestController.DEVICE_ID).setElectionId(c.election()).addUpdates(huge).build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode(), tooBig.toString());

            c.write(many.subList(0, P4RuntimeService.MAX_UPDATES_PER_WRITE)); // the limit itself is fine
            assertEquals(200, health(t).statusCode());
        }
    }

    @Test
    void aStoppedDataPlaneFailsHealthMetricsAndEveryP4RuntimeRequest() throws Exception {
        try (Translator t = Translator.start(TranslatorConfig.forTest(net.dta.testkit.Loopback.uniqueSubnet() + "1", Mode.UDP));
             TestController c = TestController.tcp(t.p4runtimeAddress(), 1)) {
            c.arbitrate();
            c.setPipeline();
            assertEquals(200, health(t).statusCode());
            // What the heap exhaustion did: an Error thrown on the data-plane thread.
            t.dataPlane().submit(() -> {
                throw new OutOfMemoryError("Java heap space (reproduced)");
            });
            LoopbackDeployment.await("the data plane to stop", () -> t.dataPlane().failure() != null);

            HttpResponse<String> h = health(t);
            assertEquals(503, h.statusCode(), h.body());
            assertTrue(h.body().contains("data-plane thread failed: java.lang.OutOfMemoryError"), h.body());
            String metrics = get(t, "/metrics").body();
            assertTrue(metrics.contains("dta_translator_data_plane_running 0"), metrics);
            StatusRuntimeException read = assertThrows(StatusRuntimeException.class, () -> c.stub().read(ReadRequest.newBuilder()
                    .setDeviceId(TestController.DEVICE_ID).build()).hasNext());
            assertEquals(Status.Code.UNAVAILABLE, read.getStatus().getCode(), read.toString());
            assertTrue(read.getStatus().getDescription().contains("data plane stopped"), read.getStatus().getDescription());
            StatusRuntimeException write = assertThrows(StatusRuntimeException.class, () -> c.stub().write(WriteRequest.newBuilder()
                    .setDeviceId(TestController.DEVICE_ID).setElectionId(c.election()).addUpdates(c.register(REG_APPEND_TAIL, 0, 1)).build()));
            assertEquals(Status.Code.UNAVAILABLE, write.getStatus().getCode(), write.toString());
        }
    }

    @Test
    void aControllerWhoseConnectionDiedCanReconnectWithTheSameElectionId() throws Exception {
        try (Translator t = Translator.start(TranslatorConfig.forTest(net.dta.testkit.Loopback.uniqueSubnet() + "1", Mode.UDP))) {
            TestController first = TestController.tcp(t.p4runtimeAddress(), 7);
            first.arbitrate();
            first.abandon(); // the process died: its connection is gone, no clean end of stream
            try (TestController again = TestController.tcp(t.p4runtimeAddress(), 7)) {
                LoopbackDeployment.await("the old stream to be forgotten", () -> t.p4runtime().clients() == 0);
                assertEquals(0, again.arbitrate().getStatus().getCode(), "primary again with the same election id");
            }
        }
    }

    private HttpResponse<String> health(Translator t) throws Exception {
        return get(t, "/health");
    }

    private HttpResponse<String> get(Translator t, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + t.adminAddress().getHostString() + ":" + t.adminAddress().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
