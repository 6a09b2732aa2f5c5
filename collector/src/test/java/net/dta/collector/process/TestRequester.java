package net.dta.collector.process;

import net.dta.testkit.TestCmSecret;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import net.dta.protocol.Bytes;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.ReqParameters;
import net.dta.packetio.Ipv4;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RoceRoute;

/**
 * The translator and its controller, reduced to what a test needs, over a UDP socket: RDMA CM
 * connect (REQ, REP, RTU), RDMA READ, WRITE and FETCH_ADD, each waiting for its reply. Frames are
 * built with the rdma module's frame writers; a UDP socket carries them from the BTH on (the
 * software responder's UDP mode). It listens on its own address's port 4791, where responders
 * send replies. Public (and in the collector's test jar) for other modules' end-to-end tests.
 */
public final class TestRequester implements AutoCloseable {
    private static final int BTH = RoceFrameWriter.BTH_OFFSET;
    private static final int MTU = 1024;

    private final DatagramSocket socket;
    private final InetSocketAddress collector;
    private final RoceRoute route;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment frame = arena.allocate(4096, 8);
    private final RoceFrameWriter writer = new RoceFrameWriter();
    private final CmFrameWriter cm = new CmFrameWriter();
    private final int localQpn;
    private int remoteQpn;
    private int psn;
    private long transaction = 1;

    public TestRequester(String localIp, String collectorIp, int localQpn) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localIp), 4791));
        this.socket.setSoTimeout(5000);
        this.collector = new InetSocketAddress(InetAddress.getByName(collectorIp), 4791);
        this.route = new RoceRoute(0x020000000001L, 0x020000000002L, Ipv4.parse(localIp), Ipv4.parse(collectorIp), 4791);
        this.localQpn = localQpn;
    }

    /**
     * Connects through RDMA CM; returns the DTA REP data. {@code startPsn} is the REQ's starting
     * PSN (this side's receive PSN); requests are sent from the REP's.
     */
    public ConnectReplyData connect(int cmPort, int startPsn) throws IOException {
        byte[] dta = ConnectRequestData.fresh(TestCmSecret.bytes(), 7,
                new net.dta.protocol.auth.CmBinding(route.sourceIp(), 4791, route.destinationIp(), cmPort, localQpn));
        int localCommId = 0x0A0B0C00 + localQpn;
        int length = cm.req(frame, 0, route, 0, transaction++, new ReqParameters(localCommId, cmPort, 0x020000FFFE000001L,
                localQpn, startPsn, PathMtu.code(MTU), route.sourceIp(), route.destinationIp(), 4791, dta));
        send(length);
        byte[] rep = receive(RoceOpcode.UD_SEND_ONLY);
        int attribute = u16(rep, 20 + 16);
        if (attribute != CmAttribute.REP) {
            throw new IOException("expected a REP, got CM attribute 0x" + Integer.toHexString(attribute));
        }
        int message = 20 + 24;
        int repCommId = (int) u32(rep, message);
        remoteQpn = (int) (u32(rep, message + 12) >>> 8);
        psn = (int) (u32(rep, message + 20) >>> 8); // the REP's starting PSN: requests start there (protocol.md 7.3)
        ConnectReplyData data = ConnectReplyData.decode(MemorySegment.ofArray(rep), message + 36);
        send(cm.rtu(frame, 0, route, 0, transaction++, localCommId, repCommId));
        return data;
    }

    public int remoteQpn() {
        return remoteQpn;
    }

    /** Continues an existing queue pair (after a collector restart restored it). */
    public void resume(int remoteQpn, int nextPsn) {
        this.remoteQpn = remoteQpn;
        this.psn = nextPsn;
    }

    public int nextPsn() {
        return psn;
    }

    public byte[] read(long va, int rkey, int length) throws IOException {
        send(writer.readRequest(frame, 0, route, remoteQpn, psn, false, va, rkey, length));
        byte[] out = new byte[length];
        int got = 0;
        int packets = Math.max(1, (length + MTU - 1) / MTU);
        for (int i = 0; i < packets; i++) {
            byte[] r = receiveAny();
            int opcode = r[0] & 0xFF;
            if (opcode == RoceOpcode.RC_ACKNOWLEDGE) {
                throw new IOException("READ answered with NAK syndrome 0x" + Integer.toHexString(r[12] & 0xFF));
            }
            int header = opcode == RoceOpcode.RC_RDMA_READ_RESPONSE_MIDDLE ? 12 : 16;
            int n = r.length - header - 4;
            System.arraycopy(r, header, out, got, n);
            got += n;
        }
        psn = (psn + packets) & 0xFF_FFFF;
        return Arrays.copyOf(out, got);
    }

    /** WRITE Only with AckReq; returns the AETH syndrome of the answer (0x1F = ACK). */
    public int write(long va, int rkey, byte[] bytes) throws IOException {
        MemorySegment payload = MemorySegment.ofArray(bytes);
        send(writer.writeOnly(frame, 0, route, remoteQpn, psn, true, va, rkey, payload, 0, bytes.length));
        psn = (psn + 1) & 0xFF_FFFF;
        return receive(RoceOpcode.RC_ACKNOWLEDGE)[12] & 0xFF;
    }

    /** FETCH_ADD; returns the original value. */
    public long fetchAdd(long va, int rkey, long add) throws IOException {
        send(writer.fetchAdd(frame, 0, route, remoteQpn, psn, false, va, rkey, add));
        psn = (psn + 1) & 0xFF_FFFF;
        byte[] r = receive(RoceOpcode.RC_ATOMIC_ACKNOWLEDGE);
        return MemorySegment.ofArray(r).get(Bytes.U64, 16);
    }

    private void send(int frameLength) throws IOException {
        byte[] udp = new byte[frameLength - BTH];
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, BTH, udp, 0, udp.length);
        socket.send(new DatagramPacket(udp, udp.length, collector));
    }

    private byte[] receive(int opcode) throws IOException {
        byte[] r = receiveAny();
        if ((r[0] & 0xFF) != opcode) {
            throw new IOException("expected opcode 0x" + Integer.toHexString(opcode) + ", got 0x" + Integer.toHexString(r[0] & 0xFF)
                    + (r.length > 12 ? " (AETH syndrome 0x" + Integer.toHexString(r[12] & 0xFF) + ")" : ""));
        }
        return r;
    }

    private byte[] receiveAny() throws IOException {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            throw new IOException("no answer from the collector at " + collector + " within 5 s", e);
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    @Override
    public void close() {
        socket.close();
        arena.close();
    }
}
