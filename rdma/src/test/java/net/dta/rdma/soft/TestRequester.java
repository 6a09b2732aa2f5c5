package net.dta.rdma.soft;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.protocol.auth.CmBinding;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.ReqParameters;
import net.dta.rdma.cm.ServiceId;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.PacketChannel;
import net.dta.packetio.RawPacketChannel;
import net.dta.packetio.UdpPacketChannel;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * A RoCEv2 requester for tests: real sockets on loopback (UDP or raw mode, like the responder),
 * frames built with the module's writers, replies collected as byte arrays (complete frames;
 * in raw mode with the IPv4 header as it crossed loopback).
 */
final class TestRequester implements AutoCloseable {
    static final ChannelOptions OPTIONS = new ChannelOptions(4 << 20, 1 << 20, 20);

    final PacketChannel channel;
    final int address;
    final int collector;
    private final PacketBatch out = new PacketBatch(64);
    private final PacketBatch in = new PacketBatch(64);
    private final RoceFrameWriter writer = new RoceFrameWriter();
    private final CmFrameWriter cmWriter = new CmFrameWriter();
    private int queued;
    private long tid = 1;

    /** The secret REQs are signed with (the collector's, unless a test changes it). */
    byte[] secret = net.dta.testkit.TestCmSecret.bytes();

    TestRequester(boolean raw, int address, int collector) throws IOException {
        this.channel = raw ? RawPacketChannel.open(address, 4791, OPTIONS) : UdpPacketChannel.open(address, 4791, OPTIONS);
        this.address = address;
        this.collector = collector;
    }

    RoceRoute route(int qpn) {
        int port = channel.sourcePort() >= 0 ? channel.sourcePort() : RoceRoute.sourcePortOf(qpn);
        return new RoceRoute(0, 0, address, collector, port);
    }

    MemorySegment segment() {
        return out.segment();
    }

    long slot() {
        return out.frameOffset(queued);
    }

    RoceFrameWriter writer() {
        return writer;
    }

    void queue(int length) {
        out.length(queued, length);
        queued++;
    }

    void queueBytes(byte[] frame) {
        MemorySegment.copy(frame, 0, out.segment(), ValueLayout.JAVA_BYTE, slot(), frame.length);
        queue(frame.length);
    }

    /** Cuts the last queued frame to {@code length} bytes, with IPv4 and UDP lengths that agree. */
    void truncateLast(int length) {
        MemorySegment s = out.segment();
        long frame = out.frameOffset(queued - 1);
        net.dta.protocol.Bytes.u16(s, frame + 14 + 2, length - 14);
        net.dta.protocol.Bytes.u16(s, frame + 14 + 20 + 4, length - 14 - 20);
        new net.dta.packetio.wire.Ipv4Header().wrap(s, frame + 14).updateChecksum();
        out.length(queued - 1, length);
    }

    /** Turns the last queued frame into another opcode with the same header lengths, ICRC recomputed. */
    void opcodeOfLast(int opcode) {
        MemorySegment s = out.segment();
        long frame = out.frameOffset(queued - 1);
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, frame + 14 + 20 + 8, (byte) opcode);
        int ipLength = net.dta.protocol.Bytes.u16(s, frame + 14 + 2);
        new net.dta.rdma.wire.Icrc().store(s, frame + 14, ipLength - 4);
    }

    void flush() {
        channel.send(out, queued);
        queued = 0;
    }

    void writeOnly(int destQp, int psn, boolean ackReq, long va, int rkey, byte[] payload) {
        queue(writer.writeOnly(out.segment(), slot(), route(0x103), destQp, psn, ackReq, va, rkey,
                MemorySegment.ofArray(payload), 0, payload.length));
    }

    void fetchAdd(int destQp, int psn, long va, int rkey, long add) {
        queue(writer.fetchAdd(out.segment(), slot(), route(0x103), destQp, psn, false, va, rkey, add));
    }

    void read(int destQp, int psn, long va, int rkey, long length) {
        queue(writer.readRequest(out.segment(), slot(), route(0x103), destQp, psn, false, va, rkey, length));
    }

    /** Sends a REQ for the translator QPN and returns the frames received in reply. */
    List<byte[]> connect(int translatorQpn, int startPsn, int mtu, int cmPort, int commId) {
        byte[] data = ConnectRequestData.fresh(secret, 7, new CmBinding(address, RoceRoute.sourcePortOf(translatorQpn),
                collector, cmPort, translatorQpn));
        return connectWith(translatorQpn, startPsn, mtu, cmPort, commId, data);
    }

    /** Sends a REQ with the given DTA private data (56 bytes: made, broken or replayed by the test). */
    List<byte[]> connectWith(int translatorQpn, int startPsn, int mtu, int cmPort, int commId, byte[] data) {
        connectWithoutWaiting(translatorQpn, startPsn, mtu, cmPort, commId, data);
        return receive(1, 2000);
    }

    /** Sends a REQ and does not wait for an answer (floods). */
    void connectWithoutWaiting(int translatorQpn, int startPsn, int mtu, int cmPort, int commId, byte[] data) {
        ReqParameters p = new ReqParameters(commId, cmPort, ServiceId.caGuidOfMac(0x020000000001L), translatorQpn,
                startPsn, PathMtu.code(mtu), address, collector, RoceRoute.sourcePortOf(translatorQpn), data);
        queue(cmWriter.req(out.segment(), slot(), route(1), 0, tid++, p));
        flush();
    }

    /** For failure messages: addresses, UDP ports, opcode and destination QP of a received frame. */
    static String describe(byte[] f) {
        java.util.HexFormat h = java.util.HexFormat.of();
        if (f.length < 54) {
            return f.length + " bytes";
        }
        return String.format("%d.%d.%d.%d:%d -> %d.%d.%d.%d:%d op 0x%02x qp 0x%s (%d bytes)", f[26] & 255, f[27] & 255, f[28] & 255,
                f[29] & 255, ((f[34] & 255) << 8) | (f[35] & 255), f[30] & 255, f[31] & 255, f[32] & 255, f[33] & 255,
                ((f[36] & 255) << 8) | (f[37] & 255), f[42] & 255, h.formatHex(f, 47, 50), f.length);
    }

    void rtu(int localCommId, int remoteCommId) {
        queue(cmWriter.rtu(out.segment(), slot(), route(1), 1, tid++, localCommId, remoteCommId));
    }

    void dreq(int localCommId, int remoteCommId, int remoteQpn) {
        queue(cmWriter.dreq(out.segment(), slot(), route(1), 2, tid++, localCommId, remoteCommId, remoteQpn));
    }

    /** Receives until {@code count} frames arrived or the time is up. */
    List<byte[]> receive(int count, long timeoutMillis) {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (got.size() < count && System.currentTimeMillis() < deadline) {
            int n = channel.receive(in);
            for (int i = 0; i < n; i++) {
                got.add(in.segment().asSlice(in.frameOffset(i), in.length(i)).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return got;
    }

    /** Waits a little for replies that must NOT come. */
    List<byte[]> receiveNone() {
        return receive(1, 150);
    }

    static RocePacket parse(byte[] frame, boolean verifyIcrc) {
        RocePacket p = new RocePacket();
        MalformedReason r = p.parse(MemorySegment.ofArray(frame), 0, frame.length, verifyIcrc);
        if (r != MalformedReason.OK) {
            throw new AssertionError("reply does not parse: " + r);
        }
        return p;
    }

    static CmPacket parseCm(byte[] frame) {
        CmPacket cm = new CmPacket();
        CmParseResult r = cm.parse(parse(frame, false));
        if (r != CmParseResult.OK) {
            throw new AssertionError("CM reply does not parse: " + r);
        }
        return cm;
    }

    @Override
    public void close() {
        channel.close();
        out.close();
        in.close();
    }
}
