package net.dta.rdma.cm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import net.dta.protocol.auth.CmBinding;
import net.dta.testkit.TestCmSecret;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;
import net.dta.testkit.ProtocolVectors;

/** protocol.md 10.8: cm.req parses to its stated parameters; cm.req, cm.rep and cm.rtu are built byte for byte. */
class CmVectorsTest {
    /** The REQ of protocol.md 10.8 as the collector sees it. */
    private static final CmBinding VECTOR_BINDING = new CmBinding(0x0A000001, 0xC103, 0x0A000002, 40041, 0x000103);
    static final long TRANSLATOR_MAC = 0x020000000001L;
    static final long COLLECTOR_MAC = 0x020000000002L;
    static final int TRANSLATOR_IP = 0x0A000001;
    static final int COLLECTOR_IP = 0x0A000002;
    static final RoceRoute TO_COLLECTOR = RoceRoute.forQueuePair(TRANSLATOR_MAC, COLLECTOR_MAC, TRANSLATOR_IP,
            COLLECTOR_IP, 1);
    static final RoceRoute TO_TRANSLATOR = RoceRoute.forQueuePair(COLLECTOR_MAC, TRANSLATOR_MAC, COLLECTOR_IP,
            TRANSLATOR_IP, 1);

    private final CmFrameWriter writer = new CmFrameWriter();
    private final MemorySegment out = MemorySegment.ofArray(new byte[1024]);

    private CmPacket parse(String vector) {
        byte[] frame = ProtocolVectors.load().get(vector).bytes();
        RocePacket p = new RocePacket();
        assertEquals(MalformedReason.OK, p.parse(MemorySegment.ofArray(frame), 0, frame.length, true));
        CmPacket cm = new CmPacket();
        assertEquals(CmParseResult.OK, cm.parse(p));
        return cm;
    }

    private byte[] built(int length) {
        return out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void shouldParseTheRequestVector() {
        CmPacket cm = parse("cm.req");
        assertEquals(CmAttribute.REQ, cm.attributeId());
        assertEquals(0x0000000100000001L, cm.mad().transactionId());
        assertEquals(1, cm.sourceQp());
        CmReq req = cm.req();
        assertEquals(0x0A0B0C0D, req.localCommId());
        assertEquals(ServiceId.of(40041), req.serviceId());
        assertTrue(ServiceId.isIpCm(req.serviceId()));
        assertEquals(40041, ServiceId.port(req.serviceId()));
        assertEquals(0x020000FFFE000001L, req.localCaGuid());
        assertEquals(ServiceId.caGuidOfMac(TRANSLATOR_MAC), req.localCaGuid());
        assertEquals(0x000103, req.localQpn());
        assertEquals(0x000100, req.startingPsn());
        assertEquals(CmReq.TRANSPORT_RC, req.transportServiceType());
        assertEquals(16, req.initiatorDepth());
        assertEquals(20, req.remoteCmResponseTimeout());
        assertEquals(20, req.localCmResponseTimeout());
        assertEquals(7, req.retryCount());
        assertEquals(0xFFFF, req.pkey());
        assertEquals(PathMtu.MTU_1024, req.pathMtu());
        assertEquals(1024, PathMtu.bytes(req.pathMtu()));
        assertEquals(7, req.rnrRetryCount());
        assertEquals(15, req.maxCmRetries());
        assertEquals(64, req.hopLimit());
        assertEquals(14, req.localAckTimeout());
        assertArrayEquals(CmFrameWriter.ipv4MappedGid(TRANSLATOR_IP), req.primaryLocalGid());
        assertArrayEquals(CmFrameWriter.ipv4MappedGid(COLLECTOR_IP), req.primaryRemoteGid());
        IpCmHeader ip = req.ipCmHeader(new IpCmHeader());
        assertEquals(IpCmHeader.IP_VERSION_4, ip.ipVersion());
        assertEquals(0xC103, ip.sourcePort());
        assertEquals(TRANSLATOR_IP, ip.sourceIpv4());
        assertEquals(COLLECTOR_IP, ip.destinationIpv4());
        ConnectRequestData dta = ConnectRequestData.decode(req.segment(), req.consumerDataPosition());
        assertNotNull(dta);
        assertEquals(7, dta.translatorId());
        assertEquals(1767225600000L, dta.timestampMillis());
        assertTrue(ConnectRequestData.macValid(req.segment(), req.consumerDataPosition(), TestCmSecret.bytes(), VECTOR_BINDING));
        assertFalse(ConnectRequestData.macValid(req.segment(), req.consumerDataPosition(), TestCmSecret.bytes(),
                new CmBinding(TRANSLATOR_IP, 0xC103, COLLECTOR_IP, 40041, 0x000104)), "another QPN: another MAC");
    }

    private static ReqParameters vectorReq() {
        MemorySegment data = MemorySegment.ofArray(new byte[ConnectRequestData.BYTES]);
        new ConnectRequestData(7, 1767225600000L, 0x1122334455667788L).encode(data, 0, TestCmSecret.bytes(), VECTOR_BINDING);
        return new ReqParameters(0x0A0B0C0D, 40041, ServiceId.caGuidOfMac(TRANSLATOR_MAC), 0x000103, 0x000100,
                PathMtu.code(1024), TRANSLATOR_IP, COLLECTOR_IP, RoceRoute.sourcePortOf(0x000103),
                data.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void shouldBuildTheRequestVector() {
        int len = writer.req(out, 0, TO_COLLECTOR, 0, 0x0000000100000001L, vectorReq());
        assertEquals(CmFrameWriter.FRAME_LENGTH, len);
        assertArrayEquals(ProtocolVectors.load().get("cm.req").bytes(), built(len));
    }

    @Test
    void shouldBuildTheReplyVector() {
        MemorySegment pd = MemorySegment.ofArray(new byte[ConnectReplyData.BYTES]);
        new ConnectReplyData(5, 0x0123456789ABCDEFL, 5, 0x00007EFF00000000L, 0x42, 32 + 128 * 5).encode(pd, 0);
        byte[] reqMac = ConnectRequestData.mac(MemorySegment.ofArray(vectorReq().consumerData()), 0);
        RepParameters p = new RepParameters(0x11223344, 0x0A0B0C0D, 0x000011, 0x00ABCDEF,
                ServiceId.caGuidOfMac(COLLECTOR_MAC), ConnectReplyData.seal(pd.toArray(ValueLayout.JAVA_BYTE),
                TestCmSecret.bytes(), reqMac, 0x000011));
        int len = writer.rep(out, 0, TO_TRANSLATOR, 0, 0x0000000100000001L, p);
        assertArrayEquals(ProtocolVectors.load().get("cm.rep").bytes(), built(len));
        CmPacket cm = parse("cm.rep");
        assertEquals(0x000011, cm.rep().localQpn());
        assertEquals(0x0A0B0C0D, cm.rep().remoteCommId());
        assertEquals(16, cm.rep().responderResources());
        assertEquals(14, cm.rep().targetAckDelay());
        assertEquals(7, cm.rep().rnrRetryCount());
        ConnectReplyData d = ConnectReplyData.decode(cm.rep().segment(), cm.rep().privateDataPosition());
        assertNotNull(d);
        assertEquals(0x42, d.catalogRkey());
        assertTrue(ConnectReplyData.sealValid(cm.rep().segment(), cm.rep().privateDataPosition(), TestCmSecret.bytes(), reqMac,
                0x000011));
        assertFalse(ConnectReplyData.sealValid(cm.rep().segment(), cm.rep().privateDataPosition(), TestCmSecret.bytes(), reqMac,
                0x000012), "a REP naming another queue pair fails the MAC");
    }

    @Test
    void shouldBuildTheReadyToUseVector() {
        int len = writer.rtu(out, 0, TO_COLLECTOR, 1, 0x0000000100000002L, 0x0A0B0C0D, 0x11223344);
        assertArrayEquals(ProtocolVectors.load().get("cm.rtu").bytes(), built(len));
        CmPacket cm = parse("cm.rtu");
        assertEquals(0x0A0B0C0D, cm.rtu().localCommId());
        assertEquals(0x11223344, cm.rtu().remoteCommId());
    }

    @Test
    void shouldRoundTripRejDreqAndDrep() {
        RocePacket p = new RocePacket();
        CmPacket cm = new CmPacket();
        int len = writer.rej(out, 0, TO_TRANSLATOR, 3, 9, 0x11, 0x22, CmRej.REJECTED_REQ, CmRej.REASON_CONSUMER_REJECT,
                "full".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(MalformedReason.OK, p.parse(out, 0, len, true));
        assertEquals(CmParseResult.OK, cm.parse(p));
        assertEquals(CmAttribute.REJ, cm.attributeId());
        assertEquals(CmRej.REASON_CONSUMER_REJECT, cm.rej().reason());
        assertEquals(CmRej.REJECTED_REQ, cm.rej().messageRejected());
        assertEquals('f', cm.rej().privateData()[0]);
        assertEquals(0x22, cm.rej().remoteCommId());

        len = writer.dreq(out, 0, TO_COLLECTOR, 4, 10, 0x33, 0x44, 0x000011);
        assertEquals(MalformedReason.OK, p.parse(out, 0, len, true));
        assertEquals(CmParseResult.OK, cm.parse(p));
        assertEquals(0x000011, cm.dreq().remoteQpn());
        assertEquals(0x44, cm.dreq().remoteCommId());

        len = writer.drep(out, 0, TO_TRANSLATOR, 5, 10, 0x44, 0x33);
        assertEquals(MalformedReason.OK, p.parse(out, 0, len, true));
        assertEquals(CmParseResult.OK, cm.parse(p));
        assertEquals(CmAttribute.DREP, cm.attributeId());
        assertEquals(10, cm.mad().transactionId());
    }

    @Test
    void shouldRefuseMadsThatAreNotCm() {
        byte[] frame = ProtocolVectors.load().get("cm.req").bytes();
        int mad = 14 + 20 + 8 + 12 + 8;
        RocePacket p = new RocePacket();
        CmPacket cm = new CmPacket();
        byte[] f = frame.clone();
        f[mad + 1] = 0x04; // PerfMgt class
        p.parse(MemorySegment.ofArray(f), 0, f.length, false);
        assertEquals(CmParseResult.NOT_CM_CLASS, cm.parse(p));
        f = frame.clone();
        f[mad + 17] = 0x11; // MRA: not handled
        p.parse(MemorySegment.ofArray(f), 0, f.length, false);
        assertEquals(CmParseResult.UNKNOWN_ATTRIBUTE, cm.parse(p));
        f = frame.clone();
        f[14 + 20 + 8 + 12] = 0; // Q_Key
        p.parse(MemorySegment.ofArray(f), 0, f.length, false);
        assertEquals(CmParseResult.BAD_QKEY, cm.parse(p));
        f = frame.clone();
        f[14 + 20 + 8 + 7] = 2; // destination QP 2
        p.parse(MemorySegment.ofArray(f), 0, f.length, false);
        assertEquals(CmParseResult.NOT_QP1, cm.parse(p));
        assertFalse(CmAttribute.known(0x0099));
        assertEquals("attribute(0x0099)", CmAttribute.name(0x0099));
    }
}
