package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/**
 * Builds complete Ethernet / IPv4 / UDP / RoCEv2 frames as protocol.md 5.1 says: IPv4 TOS 0,
 * identification 0, DF, TTL 64, header checksum; UDP destination 4791, checksum 0; BTH P_Key
 * 0xFFFF, no pad, TVer 0; ICRC last. Used by the software responder for its replies and by the
 * translator for its requests.
 *
 * <p>Two ways to use it, both allocation-free:
 * <ul>
 *   <li>one call per packet kind: {@link #writeOnly}, {@link #fetchAdd}, {@link #readRequest},
 *       {@link #acknowledge}, {@link #atomicAcknowledge}, {@link #readResponse};</li>
 *   <li>a builder: {@link #begin}, then {@link #reth}, {@link #atomicEth}, {@link #aeth},
 *       {@link #atomicAckEth}, {@link #deth}, {@link #payload} or {@link #payloadOffset} +
 *       {@link #skip}, and {@link #finish}, which writes the lengths, the IPv4 checksum and the
 *       ICRC and returns the frame length.</li>
 * </ul>
 * Not thread-safe: one writer per thread.
 */
public final class RoceFrameWriter {
    /** Ethernet + IPv4 + UDP + BTH. */
    public static final int BASE_HEADERS = EthernetHeader.LENGTH + Ipv4Header.LENGTH + UdpHeader.LENGTH + Bth.LENGTH;
    public static final int IP_OFFSET = EthernetHeader.LENGTH;
    public static final int UDP_OFFSET = IP_OFFSET + Ipv4Header.LENGTH;
    public static final int BTH_OFFSET = UDP_OFFSET + UdpHeader.LENGTH;

    private final EthernetHeader ethernet = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final UdpHeader udp = new UdpHeader();
    private final Bth bth = new Bth();
    private final Reth rethHeader = new Reth();
    private final AtomicEth atomicEthHeader = new AtomicEth();
    private final Aeth aethHeader = new Aeth();
    private final AtomicAckEth atomicAckHeader = new AtomicAckEth();
    private final Deth dethHeader = new Deth();
    private final Icrc icrc = new Icrc();

    private MemorySegment segment;
    private long frameOffset;
    private long position;

    /** Whether protocol.md 5.6's AckReq policy asks for an ACK on this PSN ({@code ackInterval} a power of two). */
    public static boolean ackRequested(int psn, int ackInterval) {
        return (psn & (ackInterval - 1)) == 0;
    }

    /**
     * Starts a frame at {@code frameOffset}: Ethernet, IPv4 and UDP headers (lengths and checksum
     * filled by {@link #finish}) and the BTH.
     */
    public RoceFrameWriter begin(MemorySegment segment, long frameOffset, RoceRoute route, int opcode, int destQp,
                                 int psn, boolean ackRequest) {
        this.segment = segment;
        this.frameOffset = frameOffset;
        ethernet.wrap(segment, frameOffset)
                .destination(route.destinationMac())
                .source(route.sourceMac())
                .etherType(EthernetHeader.ETHER_TYPE_IPV4);
        ip.wrap(segment, frameOffset + IP_OFFSET)
                .versionIhl(Ipv4Header.VERSION_IHL_NO_OPTIONS)
                .tos(0)
                .totalLength(0)
                .identification(0)
                .flagsFragment(Ipv4Header.FLAG_DONT_FRAGMENT)
                .ttl(Ipv4Header.DEFAULT_TTL)
                .protocol(Ipv4Header.PROTOCOL_UDP)
                .checksum(0)
                .source(route.sourceIp())
                .destination(route.destinationIp());
        udp.wrap(segment, frameOffset + UDP_OFFSET)
                .sourcePort(route.sourcePort())
                .destinationPort(UdpHeader.ROCE_PORT)
                .length(0)
                .checksum(0);
        bth.wrap(segment, frameOffset + BTH_OFFSET)
                .opcode(opcode)
                .flags(0)
                .pkey(Bth.DEFAULT_PKEY)
                .fecnBecn(0)
                .destQp(destQp)
                .ackRequest(ackRequest)
                .psn(psn & Bth.PSN_MASK);
        position = frameOffset + BASE_HEADERS;
        return this;
    }

    public RoceFrameWriter reth(long virtualAddress, int rkey, long dmaLength) {
        rethHeader.wrap(segment, position).virtualAddress(virtualAddress).rkey(rkey).dmaLength(dmaLength);
        position += Reth.LENGTH;
        return this;
    }

    public RoceFrameWriter atomicEth(long virtualAddress, int rkey, long swapAdd, long compare) {
        atomicEthHeader.wrap(segment, position).virtualAddress(virtualAddress).rkey(rkey).swapAdd(swapAdd)
                .compare(compare);
        position += AtomicEth.LENGTH;
        return this;
    }

    public RoceFrameWriter aeth(int syndrome, int msn) {
        aethHeader.wrap(segment, position).syndrome(syndrome).msn(msn & Aeth.MSN_MASK);
        position += Aeth.LENGTH;
        return this;
    }

    public RoceFrameWriter atomicAckEth(long originalData) {
        atomicAckHeader.wrap(segment, position).originalData(originalData);
        position += AtomicAckEth.LENGTH;
        return this;
    }

    public RoceFrameWriter deth(int qkey, int sourceQp) {
        dethHeader.wrap(segment, position).qkey(qkey).sourceQp(sourceQp);
        position += Deth.LENGTH;
        return this;
    }

    /** Copies {@code length} payload bytes. */
    public RoceFrameWriter payload(MemorySegment source, long sourceOffset, int length) {
        MemorySegment.copy(source, sourceOffset, segment, position, length);
        position += length;
        return this;
    }

    /** Where the next bytes go, for callers that write the payload in place (then {@link #skip}). */
    public long payloadOffset() {
        return position;
    }

    /** Accepts {@code length} bytes written in place at {@link #payloadOffset}. */
    public RoceFrameWriter skip(int length) {
        position += length;
        return this;
    }

    /** Writes lengths, IPv4 checksum and ICRC. Returns the frame length (Ethernet header to ICRC included). */
    public int finish() {
        int covered = (int) (position - frameOffset - IP_OFFSET);
        ip.totalLength(covered + Icrc.LENGTH).updateChecksum();
        udp.length(covered - Ipv4Header.LENGTH + Icrc.LENGTH);
        icrc.store(segment, frameOffset + IP_OFFSET, covered);
        position += Icrc.LENGTH;
        return (int) (position - frameOffset);
    }

    /** RDMA WRITE Only with its payload (protocol.md 6.1, 6.3, 6.4). Returns the frame length. */
    public int writeOnly(MemorySegment dst, long frameOffset, RoceRoute route, int destQp, int psn, boolean ackRequest,
                         long virtualAddress, int rkey, MemorySegment payload, long payloadOffset, int payloadLength) {
        return begin(dst, frameOffset, route, RoceOpcode.RC_RDMA_WRITE_ONLY, destQp, psn, ackRequest)
                .reth(virtualAddress, rkey, payloadLength)
                .payload(payload, payloadOffset, payloadLength)
                .finish();
    }

    /** FETCH_ADD (compare data 0). Returns the frame length. */
    public int fetchAdd(MemorySegment dst, long frameOffset, RoceRoute route, int destQp, int psn, boolean ackRequest,
                        long virtualAddress, int rkey, long add) {
        return begin(dst, frameOffset, route, RoceOpcode.RC_FETCH_ADD, destQp, psn, ackRequest)
                .atomicEth(virtualAddress, rkey, add, 0)
                .finish();
    }

    /** RDMA READ Request (the catalog READ of protocol.md 7.4). Returns the frame length. */
    public int readRequest(MemorySegment dst, long frameOffset, RoceRoute route, int destQp, int psn,
                           boolean ackRequest, long virtualAddress, int rkey, long length) {
        return begin(dst, frameOffset, route, RoceOpcode.RC_RDMA_READ_REQUEST, destQp, psn, ackRequest)
                .reth(virtualAddress, rkey, length)
                .finish();
    }

    /** ACK or NAK (opcode 0x11). Returns the frame length. */
    public int acknowledge(MemorySegment dst, long frameOffset, RoceRoute route, int destQp, int psn, int syndrome,
                           int msn) {
        return begin(dst, frameOffset, route, RoceOpcode.RC_ACKNOWLEDGE, destQp, psn, false)
                .aeth(syndrome, msn)
                .finish();
    }

    /** ATOMIC ACK with the original value. Returns the frame length. */
    public int atomicAcknowledge(MemorySegment dst, long frameOffset, RoceRoute route, int destQp, int psn, int msn,
                                 long originalData) {
        return begin(dst, frameOffset, route, RoceOpcode.RC_ATOMIC_ACKNOWLEDGE, destQp, psn, false)
                .aeth(AethSyndrome.ACK, msn)
                .atomicAckEth(originalData)
                .finish();
    }

    /**
     * One RDMA READ response packet: First/Last/Only carry an AETH, Middle does not. Returns the
     * frame length.
     */
    public int readResponse(MemorySegment dst, long frameOffset, RoceRoute route, int opcode, int destQp, int psn,
                            int msn, MemorySegment data, long dataOffset, int length) {
        begin(dst, frameOffset, route, opcode, destQp, psn, false);
        if (opcode != RoceOpcode.RC_RDMA_READ_RESPONSE_MIDDLE) {
            aeth(AethSyndrome.ACK, msn);
        }
        return payload(data, dataOffset, length).finish();
    }
}
