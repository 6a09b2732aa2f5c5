package net.dta.controller.cm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.random.RandomGenerator;

import net.dta.deployment.CollectorSpec;
import net.dta.deployment.TranslatorSpec;
import net.dta.protocol.auth.CmBinding;
import net.dta.protocol.auth.CmSecret;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.protocol.layout.StoreFormatException;
import net.dta.p4.TranslatorP4Names;
import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmFrameWriter;
import net.dta.rdma.cm.CmPacket;
import net.dta.rdma.cm.CmParseResult;
import net.dta.rdma.cm.CmRej;
import net.dta.rdma.cm.PathMtu;
import net.dta.rdma.cm.ReqParameters;
import net.dta.rdma.wire.AethSyndrome;
import net.dta.rdma.wire.MalformedReason;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;
import net.dta.rdma.wire.RoceRoute;

/**
 * The active side of RDMA CM and the controller's RDMA READs, run on the translator's behalf
 * (protocol.md 7): REQ (sourced from the translator's address and queue pair, DTA private data),
 * REP, RTU, then READs of the catalog and of Append rings through the same queue pair, all as
 * frames through a {@link FramePort}, answers from an {@link FrameRouter.Inbox}. One instance per
 * connection attempt; not thread-safe. The same frames reach a software collector and a real NIC
 * listening through rdma_cm.
 */
public final class CmConnector {
    /** Largest READ sent at once: responses travel as PacketIns, so keep bursts small. */
    static final int MAX_READ_PACKETS = 16;
    /**
     * Retry delay after a REJ 10: Linux sends its DREQ for the stale connection as it rejects, and
     * is done with it once the DREP came (then time-wait: 2^(local ACK timeout - 8) ms, 64 ms for ours).
     */
    static final long STALE_RETRY_MILLIS = 1000;

    private final TranslatorSpec translator;
    private final CollectorSpec collector;
    private final FramePort port;
    private final FrameRouter.Inbox inbox;
    private final long timeoutMillis;
    private final int retries;
    private final RandomGenerator random;
    private final byte[] cmSecret;
    private final CmFrameWriter cm = new CmFrameWriter();
    private final RoceFrameWriter roce = new RoceFrameWriter();
    private final RocePacket packet = new RocePacket();
    private final CmPacket cmPacket = new CmPacket();
    private final byte[] frame = new byte[CmFrameWriter.FRAME_LENGTH + 64];
    private final MemorySegment frameSegment = MemorySegment.ofArray(frame);
    private final RoceRoute cmRoute;
    private final RoceRoute qpRoute;
    private final int translatorQpn;
    private final int mtu;
    private int udPsn;
    private int remoteQpn;
    private int nextPsn;
    private int reads;
    private int forgedReps;

    /** @param cmSecret the deployment's CM secret (controller.cm.secret-file); null: {@link #handshake} refuses to start */
    public CmConnector(TranslatorSpec translator, CollectorSpec collector, FramePort port, FrameRouter.Inbox inbox,
                       Duration timeout, int retries, RandomGenerator random, byte[] cmSecret) {
        this(translator, collector, port, inbox, timeout, retries, random, cmSecret, TranslatorP4Names.BASE_QPN + collector.index());
    }

    /**
     * @param translatorQpn the local QPN of this connection: the translator's queue pair to this
     *                      collector, or another one for a side connection that only READs (whose
     *                      responses the translator passes to the controller as unknown-queue-pair PacketIns)
     */
    public CmConnector(TranslatorSpec translator, CollectorSpec collector, FramePort port, FrameRouter.Inbox inbox,
                       Duration timeout, int retries, RandomGenerator random, byte[] cmSecret, int translatorQpn) {
        this.cmSecret = cmSecret;
        this.translator = translator;
        this.collector = collector;
        this.port = port;
        this.inbox = inbox;
        this.timeoutMillis = timeout.toMillis();
        this.retries = retries;
        this.random = random;
        this.translatorQpn = translatorQpn;
        this.mtu = collector.pathMtu();
        this.cmRoute = RoceRoute.forQueuePair(translator.mac(), collector.mac(), translator.address(), collector.address(), 1);
        this.qpRoute = RoceRoute.forQueuePair(translator.mac(), collector.mac(), translator.address(), collector.address(),
                translatorQpn);
    }

    /** The CA GUID of a RoCE port: the EUI-64 of its MAC (protocol.md 7.2). */
    public static long caGuid(long mac) {
        return (mac >>> 24) << 40 | 0xFF_FEL << 24 | (mac & 0xFF_FFFFL);
    }

    private String who() {
        return collector.describe();
    }

    /**
     * What the handshake learnt: enough to write the translator's queue pair entry before any READ.
     * {@code startPsn} is the REP's starting PSN: the first PSN the translator sends.
     */
    public record Handshake(int remoteQpn, int startPsn, int localCommId, int remoteCommId, ConnectReplyData reply) {
    }

    /** REQ, REP, RTU, catalog READ: {@link #handshake()} then {@link #readCatalog}. */
    public RemoteQueuePair connect() throws ConnectException, InterruptedException {
        return readCatalog(handshake());
    }

    /**
     * REQ (resent after each time-out, up to the retries), REP (a REJ or a REP without DTA data
     * ends the attempt, the latter answered with a REJ), RTU.
     */
    public Handshake handshake() throws ConnectException, InterruptedException {
        inbox.clear();
        int localCommId = random.nextInt(1, Integer.MAX_VALUE);
        int startPsn = random.nextInt(0, 1 << 24);
        long tid = random.nextLong() & 0x7FFF_FFFF_FFFF_FFFFL;
        byte[] dta = requestData();
        byte[] requestMac = ConnectRequestData.mac(MemorySegment.ofArray(dta), 0);
        ReqParameters req = new ReqParameters(localCommId, collector.cmPort(), caGuid(translator.mac()), translatorQpn, startPsn,
                PathMtu.code(mtu), translator.address(), collector.address(), RoceRoute.sourcePortOf(translatorQpn), dta);

        Rep rep = null;
        int sent = 0;
        for (int attempt = 0; attempt <= retries && rep == null; attempt++) {
            send(cm.req(frameSegment, 0, cmRoute, udPsn++, tid, req), ConnectStep.CM_REQ);
            sent++;
            rep = awaitRep(localCommId, requestMac);
        }
        if (rep == null) {
            // The collector may hold this REQ's connection half-open (its REP late or lost): Linux keeps
            // it in its remote-QPN table and answers REJ 10 to our next REQ until its REP retries end.
            // A timeout REJ makes it drop that connection now (cm.c: cm_rej_handler).
            withdraw(tid + 1, localCommId, 0);
            throw new ConnectException(ConnectStep.CM_REQ, who() + ": CM REQ sent " + sent + " time" + (sent == 1 ? "" : "s")
                    + (forgedReps > 0 ? ", " + forgedReps + " REP(s) with a wrong MAC ignored (forged, or a collector with "
                    + "another secret)" : ", no REP") + " (withdrawn with a REJ, timeout): is the collector running and "
                    + "listening on CM port " + collector.cmPort() + "?", false);
        }
        remoteQpn = rep.qpn;
        if (rep.data == null) {
            send(cm.rej(frameSegment, 0, cmRoute, udPsn++, rep.transactionId, localCommId, rep.commId, CmRej.REJECTED_REP,
                    CmRej.REASON_CONSUMER_REJECT, "not a DTA collector: the REP carries no DTA1 private data"
                            .getBytes(StandardCharsets.UTF_8)), ConnectStep.CM_REQ);
            throw new ConnectException(ConnectStep.CM_REQ, who() + ": the REP carries no DTA private data (no DTA1 magic): "
                    + "this is not a DTA collector; check the address and CM port " + collector.cmPort(), true);
        }
        send(cm.rtu(frameSegment, 0, cmRoute, udPsn++, tid + 1, localCommId, rep.commId), ConnectStep.CM_RTU);
        // As Linux's active side (cm.c: cm_rep_handler sets sq_psn from the REP's starting PSN; the
        // REQ's starting PSN is our receive PSN, unused: a translator receives no requests).
        nextPsn = rep.startingPsn;
        return new Handshake(rep.qpn, rep.startingPsn, localCommId, rep.commId, rep.data);
    }

    /** The catalog READ on the new queue pair (its first PSN), decoded and checked against the REP. */
    public RemoteQueuePair readCatalog(Handshake h) throws ConnectException, InterruptedException {
        ConnectReplyData data = h.reply();
        byte[] bytes = read(data.catalogVa(), data.catalogRkey(), data.catalogLength(), ConnectStep.CATALOG_READ);
        Catalog catalog;
        try {
            catalog = Catalog.decode(bytes);
        } catch (StoreFormatException e) {
            throw new ConnectException(ConnectStep.CATALOG_CHECK, who() + ": its catalog is unusable: " + e.getMessage(), false);
        }
        if (catalog.generation() != data.catalogGeneration()) {
            throw new ConnectException(ConnectStep.CATALOG_CHECK, who() + ": the catalog read has generation "
                    + catalog.generation() + " but the REP announced " + data.catalogGeneration()
                    + " (the collector changed its stores meanwhile); will connect again", false);
        }
        return new RemoteQueuePair(translatorQpn, h.remoteQpn(), h.startPsn(), nextPsn, h.localCommId(), h.remoteCommId(), data,
                catalog, reads);
    }

    /** The PSN the next request of the queue pair uses (after the controller's READs). */
    public int nextPsn() {
        return nextPsn;
    }

    /**
     * An RDMA READ through the queue pair, in chunks of at most {@value #MAX_READ_PACKETS} packets,
     * each resent (same PSN: the responder answers a duplicate READ again) until its responses are
     * all in or the retries are spent.
     */
    public byte[] read(long va, int rkey, long length, ConnectStep step) throws ConnectException, InterruptedException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new ConnectException(step, who() + ": READ of " + length + " bytes is too large", true);
        }
        byte[] out = new byte[(int) length];
        long chunk = (long) MAX_READ_PACKETS * mtu;
        for (long done = 0; done < length || length == 0; done += chunk) {
            int n = (int) Math.min(chunk, length - done);
            readChunk(va + done, rkey, n, out, (int) done, step);
            if (length == 0) {
                break;
            }
        }
        return out;
    }

    private void readChunk(long va, int rkey, int length, byte[] out, int outOffset, ConnectStep step)
            throws ConnectException, InterruptedException {
        int packets = Math.max(1, (length + mtu - 1) / mtu);
        int psn = nextPsn;
        boolean[] got = new boolean[packets];
        int missing = packets;
        for (int attempt = 0; attempt <= retries && missing > 0; attempt++) {
            send(roce.readRequest(frameSegment, 0, qpRoute, remoteQpn, psn, false, va, rkey, length), step);
            reads++;
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (missing > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                byte[] f = inbox.poll(left);
                if (f == null) {
                    break;
                }
                if (packet.parse(MemorySegment.ofArray(f), 0, f.length, false) != MalformedReason.OK
                        || packet.bth().destQp() != translatorQpn) {
                    continue;
                }
                int op = packet.opcode().code();
                if (op == RoceOpcode.RC_ACKNOWLEDGE) {
                    AethSyndrome s = AethSyndrome.of(packet.aeth().syndrome());
                    if (s.isNak()) {
                        throw new ConnectException(step, who() + ": " + step.label() + " answered with NAK " + s.name()
                                + " (PSN 0x" + Integer.toHexString(packet.bth().psn()) + ", the collector expected another "
                                + "PSN or refused the region): will connect again", false);
                    }
                    continue;
                }
                if (op < RoceOpcode.RC_RDMA_READ_RESPONSE_FIRST || op > RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY) {
                    continue;
                }
                int i = (packet.bth().psn() - psn) & 0xFF_FFFF;
                if (i >= packets || got[i]) {
                    continue;
                }
                int at = i * mtu;
                int n = Math.min(packet.payloadLength(), length - at);
                MemorySegment.copy(packet.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, packet.payloadOffset(), out,
                        outOffset + at, Math.max(0, n));
                got[i] = true;
                missing--;
            }
        }
        if (missing > 0) {
            throw new ConnectException(step, who() + ": " + step.label() + " of " + length + " bytes at va 0x"
                    + Long.toHexString(va) + " sent " + (retries + 1) + " times, " + missing + " of " + packets
                    + " response(s) missing: the queue pair does not answer (collector restarted or overloaded?)", false);
        }
        nextPsn = (psn + packets) & 0xFF_FFFF;
    }

    /**
     * Ends the connection: DREQ, resent with the same transaction id after each time-out (up to
     * the retries) until the DREP comes, as for the REQ: a lost DREQ must not leave the collector's
     * queue pair behind. Gives up quietly: the collector forgets it when it restarts.
     */
    public void disconnect(RemoteQueuePair qp) throws InterruptedException {
        disconnect(qp.localCommId(), qp.remoteCommId(), qp.remoteQpn());
    }

    /** {@link #disconnect(RemoteQueuePair)} for a connection known by its handshake; true when the DREP came. */
    public boolean disconnect(Handshake h) throws InterruptedException {
        return disconnect(h.localCommId(), h.remoteCommId(), h.remoteQpn());
    }

    private boolean disconnect(int localCommId, int remoteCommId, int collectorQpn) throws InterruptedException {
        inbox.clear();
        long transactionId = random.nextLong() & Long.MAX_VALUE;
        for (int attempt = 0; attempt <= retries; attempt++) {
            try {
                send(cm.dreq(frameSegment, 0, cmRoute, udPsn++, transactionId, localCommId, remoteCommId, collectorQpn),
                        ConnectStep.DISCONNECT);
            } catch (ConnectException e) {
                return false;
            }
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (System.nanoTime() < deadline) {
                byte[] f = inbox.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
                if (f != null && parseCm(f) && cmPacket.attributeId() == CmAttribute.DREP
                        && cmPacket.drep().remoteCommId() == localCommId) {
                    return true;
                }
            }
        }
        return false;
    }

    private record Rep(int qpn, int startingPsn, int commId, long transactionId, ConnectReplyData data) {
    }

    /**
     * The DTA REQ data (protocol.md 7.2): signed with the deployment's secret for this translator
     * queue pair, its address and port and the collector's; timestamp now, a fresh nonce.
     */
    private byte[] requestData() throws ConnectException {
        if (cmSecret == null) {
            throw new ConnectException(ConnectStep.CM_REQ, who() + ": no RDMA CM secret: set controller.cm.secret-file in the "
                    + "deployment file to the collectors' cm.secret-file (docs/security.md); make one with "
                    + CmSecret.HOW_TO_GENERATE.replace("FILE", "cm.secret"), true);
        }
        return ConnectRequestData.fresh(cmSecret, translator.translatorId(), new CmBinding(translator.address(),
                RoceRoute.sourcePortOf(translatorQpn), collector.address(), collector.cmPort(), translatorQpn));
    }

    private Rep awaitRep(int localCommId, byte[] requestMac) throws ConnectException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            byte[] f = inbox.poll(left);
            if (f == null) {
                return null;
            }
            if (!parseCm(f)) {
                continue;
            }
            switch (cmPacket.attributeId()) {
                case CmAttribute.REP -> {
                    if (cmPacket.rep().remoteCommId() != localCommId) {
                        // A REP retransmitted for an earlier, abandoned attempt: end that half-open connection.
                        // (Connection attempts to one collector run one at a time: their frames share an inbox.)
                        withdraw(cmPacket.mad().transactionId(), cmPacket.rep().remoteCommId(), cmPacket.rep().localCommId());
                        continue;
                    }
                    MemorySegment pd = cmPacket.rep().segment();
                    long at = cmPacket.rep().privateDataPosition();
                    int version = ConnectReplyData.version(pd, at);
                    if (version != 0 && version != ConnectReplyData.VERSION) {
                        throw new ConnectException(ConnectStep.CM_REQ, who() + ": its REP carries DTA data version " + version
                                + ", this controller speaks version " + ConnectReplyData.VERSION + ": update the collector", true);
                    }
                    if (version != 0 && !ConnectReplyData.sealValid(pd, at, cmSecret, requestMac, cmPacket.rep().localQpn())) {
                        // Not from a collector holding the secret (a raced, forged REP): ignored; the real one may still come.
                        forgedReps++;
                        continue;
                    }
                    ConnectReplyData data = ConnectReplyData.decode(pd, at);
                    return new Rep(cmPacket.rep().localQpn(), cmPacket.rep().startingPsn(), cmPacket.rep().localCommId(), cmPacket.mad().transactionId(), data);
                }
                case CmAttribute.REJ -> {
                    if (cmPacket.rej().remoteCommId() != localCommId) {
                        continue;
                    }
                    throw rejected(cmPacket.rej());
                }
                default -> {
                    // MRA, stale RTUs: nothing to do. DREQs never come here: the agent answers them (DisconnectRequest).
                }
            }
        }
    }

    /** Sends a timeout REJ for a REQ of ours given up on (ours: our communication id; theirs: the REP's, or 0). */
    private void withdraw(long transactionId, int ours, int theirs) throws ConnectException {
        send(cm.rejTimeout(frameSegment, 0, cmRoute, udPsn++, transactionId, ours, theirs, caGuid(translator.mac())),
                ConnectStep.CM_REQ);
    }

    private ConnectException rejected(CmRej rej) {
        int reason = rej.reason();
        String text = new String(rej.privateData(), StandardCharsets.UTF_8).replace("\0", "").strip();
        String why = switch (reason) {
            case CmRej.REASON_INVALID_SERVICE_ID -> "invalid service id: nothing listens on CM port " + collector.cmPort()
                    + " there; check collectors[].cm-port against the collector's network.cm-port";
            case CmRej.REASON_INVALID_TRANSPORT_TYPE -> "invalid transport type (RC expected)";
            case CmRej.REASON_CONSUMER_REJECT -> "the collector refused the connection" + (text.isEmpty() ? "" : ": " + text);
            case CmRej.REASON_STALE_CONNECTION -> "the collector still holds an earlier connection from translator QPN 0x"
                    + Integer.toHexString(translatorQpn) + " (Linux's cm.c finds that QPN and our CA GUID among its live"
                    + " connections); it has just sent a DREQ for it if it was established (this controller answers it), and a"
                    + " half-open one from an abandoned REQ was withdrawn with a timeout REJ; the QPN is fixed per collector by"
                    + " the data plane: retrying in " + STALE_RETRY_MILLIS + " ms with a fresh communication id";
            default -> CmRej.reasonName(reason) + (text.isEmpty() ? "" : ": " + text);
        };
        return new ConnectException(ConnectStep.CM_REQ, who() + ": CM REQ rejected (REJ: " + CmRej.reasonName(reason) + "): "
                + why, reason == CmRej.REASON_INVALID_SERVICE_ID,
                reason == CmRej.REASON_STALE_CONNECTION ? STALE_RETRY_MILLIS : -1);
    }

    private boolean parseCm(byte[] f) {
        return packet.parse(MemorySegment.ofArray(f), 0, f.length, false) == MalformedReason.OK
                && packet.opcode().code() == RoceOpcode.UD_SEND_ONLY
                && cmPacket.parse(packet) == CmParseResult.OK;
    }

    private void send(int length, ConnectStep step) throws ConnectException {
        byte[] copy = java.util.Arrays.copyOf(frame, length);
        try {
            port.send(copy);
        } catch (IOException e) {
            throw new ConnectException(step, who() + ": " + step.label() + " could not be sent through translator "
                    + translator.name() + ": " + e.getMessage(), e);
        }
    }
}
