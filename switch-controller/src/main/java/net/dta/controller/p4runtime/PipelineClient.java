package net.dta.controller.p4runtime;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.v1.P4RuntimeGrpc;
import p4.v1.P4RuntimeOuterClass.CapabilitiesRequest;
import p4.v1.P4RuntimeOuterClass.ForwardingPipelineConfig;
import p4.v1.P4RuntimeOuterClass.GetForwardingPipelineConfigRequest;
import p4.v1.P4RuntimeOuterClass.GetForwardingPipelineConfigResponse;
import p4.v1.P4RuntimeOuterClass.SetForwardingPipelineConfigRequest;
import p4.v1.P4RuntimeOuterClass.Uint128;

/**
 * The forwarding pipeline of a device: what is installed (its cookie), and installing ours
 * (VERIFY_AND_COMMIT: the P4Info, the device config, our cookie).
 */
public final class PipelineClient {
    private final String device;
    private final P4RuntimeGrpc.P4RuntimeBlockingStub stub;
    private final long deviceId;
    private final Uint128 electionId;
    private final Duration deadline;

    PipelineClient(String device, P4RuntimeGrpc.P4RuntimeBlockingStub stub, long deviceId, Uint128 electionId, Duration deadline) {
        this.device = device;
        this.stub = stub;
        this.deviceId = deviceId;
        this.electionId = electionId;
        this.deadline = deadline;
    }

    private P4RuntimeGrpc.P4RuntimeBlockingStub timed() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The cookie of the installed pipeline; empty when the device has none (a fresh start). */
    public OptionalLong cookie() throws P4RuntimeException {
        try {
            GetForwardingPipelineConfigResponse r = timed().getForwardingPipelineConfig(GetForwardingPipelineConfigRequest.newBuilder()
                    .setDeviceId(deviceId).setResponseType(GetForwardingPipelineConfigRequest.ResponseType.COOKIE_ONLY).build());
            if (!r.hasConfig() || !r.getConfig().hasCookie()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(r.getConfig().getCookie().getCookie());
        } catch (StatusRuntimeException e) {
            Status.Code c = e.getStatus().getCode();
            if (c == Status.Code.FAILED_PRECONDITION || c == Status.Code.NOT_FOUND) {
                return OptionalLong.empty();
            }
            throw RpcErrors.of(device, "GetForwardingPipelineConfig", e);
        }
    }

    public void set(P4Info p4Info, byte[] deviceConfig, long cookie) throws P4RuntimeException {
        SetForwardingPipelineConfigRequest request = SetForwardingPipelineConfigRequest.newBuilder()
                .setDeviceId(deviceId).setRoleId(0).setElectionId(electionId)
                .setAction(SetForwardingPipelineConfigRequest.Action.VERIFY_AND_COMMIT)
                .setConfig(ForwardingPipelineConfig.newBuilder().setP4Info(p4Info)
                        .setP4DeviceConfig(ByteString.copyFrom(deviceConfig))
                        .setCookie(ForwardingPipelineConfig.Cookie.newBuilder().setCookie(cookie)))
                .build();
        try {
            timed().setForwardingPipelineConfig(request);
        } catch (StatusRuntimeException e) {
            throw RpcErrors.of(device, "SetForwardingPipelineConfig", e);
        }
    }

    /** The P4Runtime API version the server implements, or "unknown" when it does not say. */
    public String apiVersion() throws P4RuntimeException {
        try {
            return timed().capabilities(CapabilitiesRequest.getDefaultInstance()).getP4RuntimeApiVersion();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return "unknown";
            }
            throw RpcErrors.of(device, "Capabilities", e);
        }
    }
}
