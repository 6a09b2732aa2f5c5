package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;

import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/**
 * A received Ethernet / IPv4 / UDP / RoCEv2 frame, parsed and validated in place:
 * {@link #parse} checks lengths and the opcode first and returns a {@link MalformedReason}
 * instead of throwing; once it returned {@link MalformedReason#OK}, the header flyweights are
 * wrapped at the right offsets and the payload bounds are known to lie within the frame.
 *
 * <p>Reused for every packet of a receive loop (no allocation). Not thread-safe.
 */
public final class RocePacket {
    private final EthernetHeader ethernet = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final UdpHeader udp = new UdpHeader();
    private final Bth bth = new Bth();
    private final Reth reth = new Reth();
    private final AtomicEth atomicEth = new AtomicEth();
    private final Aeth aeth = new Aeth();
    private final AtomicAckEth atomicAckEth = new AtomicAckEth();
    private final Deth deth = new Deth();
    private final Icrc icrc = new Icrc();

    private MemorySegment segment;
    private long frameOffset;
    private int frameLength;
    private RoceOpcode opcode = RoceOpcode.of(0);
    private long payloadOffset;
    private int payloadLength;
    private int ipPacketLength;

    /**
     * Parses the frame of {@code length} bytes at {@code offset}. With {@code verifyIcrc} the ICRC
     * is checked last (only meaningful when the IPv4 header is the one that was transmitted).
     */
    public MalformedReason parse(MemorySegment segment, long offset, int length, boolean verifyIcrc) {
        this.segment = segment;
        this.frameOffset = offset;
        this.frameLength = length;
        this.payloadLength = 0;
        if (length < RoceFrameWriter.BASE_HEADERS + Icrc.LENGTH) {
            return MalformedReason.TRUNCATED;
        }
        ethernet.wrap(segment, offset);
        if (ethernet.etherType() != EthernetHeader.ETHER_TYPE_IPV4) {
            return MalformedReason.NOT_IPV4;
        }
        long ipOffset = offset + RoceFrameWriter.IP_OFFSET;
        ip.wrap(segment, ipOffset);
        if (ip.versionIhl() != Ipv4Header.VERSION_IHL_NO_OPTIONS) {
            return MalformedReason.BAD_IP_HEADER;
        }
        int total = ip.totalLength();
        if (total > length - EthernetHeader.LENGTH) {
            return MalformedReason.TRUNCATED;
        }
        if (total < Ipv4Header.LENGTH + UdpHeader.LENGTH + Bth.LENGTH + Icrc.LENGTH) {
            return MalformedReason.LENGTH_MISMATCH;
        }
        if ((ip.flagsFragment() & (Ipv4Header.FLAG_MORE_FRAGMENTS | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0) {
            return MalformedReason.FRAGMENTED;
        }
        if (ip.protocol() != Ipv4Header.PROTOCOL_UDP) {
            return MalformedReason.NOT_UDP;
        }
        udp.wrap(segment, offset + RoceFrameWriter.UDP_OFFSET);
        if (udp.destinationPort() != UdpHeader.ROCE_PORT) {
            return MalformedReason.NOT_ROCE_PORT;
        }
        if (udp.length() != total - Ipv4Header.LENGTH) {
            return MalformedReason.LENGTH_MISMATCH;
        }
        bth.wrap(segment, offset + RoceFrameWriter.BTH_OFFSET);
        RoceOpcode op = RoceOpcode.of(bth.opcode());
        this.opcode = op;
        if (!op.known()) {
            return MalformedReason.UNKNOWN_OPCODE;
        }
        if (bth.transportVersion() != 0) {
            return MalformedReason.BAD_TRANSPORT_VERSION;
        }
        if ((bth.pkey() & 0x7FFF) == 0) {
            return MalformedReason.INVALID_PKEY;
        }
        int afterBth = total - Ipv4Header.LENGTH - UdpHeader.LENGTH - Bth.LENGTH - Icrc.LENGTH;
        if (afterBth < op.extensionLength()) {
            return MalformedReason.TOO_SHORT_FOR_OPCODE;
        }
        if (bth.padCount() != 0) {
            return MalformedReason.PAD_COUNT;
        }
        int payload = afterBth - op.extensionLength();
        if (payload != 0 && !op.carriesPayload()) {
            return MalformedReason.UNEXPECTED_PAYLOAD;
        }
        long ext = offset + RoceFrameWriter.BASE_HEADERS;
        wrapExtensions(op, ext);
        this.payloadOffset = ext + op.extensionLength();
        this.payloadLength = payload;
        this.ipPacketLength = total;
        if (verifyIcrc && !icrc.verify(segment, ipOffset, total - Icrc.LENGTH)) {
            return MalformedReason.BAD_ICRC;
        }
        return MalformedReason.OK;
    }

    private void wrapExtensions(RoceOpcode op, long ext) {
        switch (op.code()) {
            case RoceOpcode.RC_RDMA_WRITE_FIRST, RoceOpcode.RC_RDMA_WRITE_ONLY, RoceOpcode.RC_RDMA_READ_REQUEST ->
                    reth.wrap(segment, ext);
            case RoceOpcode.RC_FETCH_ADD, RoceOpcode.RC_COMPARE_SWAP -> atomicEth.wrap(segment, ext);
            case RoceOpcode.RC_ATOMIC_ACKNOWLEDGE -> {
                aeth.wrap(segment, ext);
                atomicAckEth.wrap(segment, ext + Aeth.LENGTH);
            }
            case RoceOpcode.RC_ACKNOWLEDGE, RoceOpcode.RC_RDMA_READ_RESPONSE_FIRST,
                 RoceOpcode.RC_RDMA_READ_RESPONSE_LAST, RoceOpcode.RC_RDMA_READ_RESPONSE_ONLY -> aeth.wrap(segment, ext);
            case RoceOpcode.UD_SEND_ONLY -> deth.wrap(segment, ext);
            default -> {
                // WRITE Middle/Last and READ Response Middle: no extension header.
            }
        }
    }

    public MemorySegment segment() {
        return segment;
    }

    public long frameOffset() {
        return frameOffset;
    }

    public int frameLength() {
        return frameLength;
    }

    /** IPv4 total length (IPv4 header to ICRC included). */
    public int ipPacketLength() {
        return ipPacketLength;
    }

    public RoceOpcode opcode() {
        return opcode;
    }

    public EthernetHeader ethernet() {
        return ethernet;
    }

    public Ipv4Header ip() {
        return ip;
    }

    public UdpHeader udp() {
        return udp;
    }

    public Bth bth() {
        return bth;
    }

    /** Valid for WRITE First/Only and READ Request. */
    public Reth reth() {
        return reth;
    }

    /** Valid for FETCH_ADD. */
    public AtomicEth atomicEth() {
        return atomicEth;
    }

    /** Valid for ACK, ATOMIC ACK and READ Response First/Last/Only. */
    public Aeth aeth() {
        return aeth;
    }

    /** Valid for ATOMIC ACK. */
    public AtomicAckEth atomicAckEth() {
        return atomicAckEth;
    }

    /** Valid for UD SEND Only. */
    public Deth deth() {
        return deth;
    }

    public long payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** The ICRC as carried. */
    public int carriedIcrc() {
        return segment.get(net.dta.protocol.Bytes.U32_LE, frameOffset + RoceFrameWriter.IP_OFFSET + ipPacketLength
                - Icrc.LENGTH);
    }
}
