package net.dta.packetio;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/**
 * Writes the headers a socket did not show, so every consumer parses complete frames. MACs are
 * zero (no socket here sees them); an IPv4 header written for a UDP-mode datagram is what
 * protocol.md 5.1 says a sender puts (identification 0, DF, TTL 64), which is a guess, not a
 * measurement: hence no ICRC verification in UDP mode.
 */
final class SyntheticHeaders {
    static final int IP_OFFSET = EthernetHeader.LENGTH;
    static final int UDP_OFFSET = IP_OFFSET + Ipv4Header.LENGTH;

    private SyntheticHeaders() {
    }

    static void ethernet(MemorySegment s, long frame) {
        Bytes.u32(s, frame, 0);
        Bytes.u64(s, frame + 4, 0);
        Bytes.u16(s, frame + EthernetHeader.ETHER_TYPE_OFFSET, EthernetHeader.ETHER_TYPE_IPV4);
    }

    static void ipUdp(MemorySegment s, long frame, int udpPayloadLength, int sourceIp, int sourcePort,
                      int destinationIp, int destinationPort) {
        long ip = frame + IP_OFFSET;
        Bytes.u32(s, ip, 0x4500_0000L | (Ipv4Header.LENGTH + UdpHeader.LENGTH + udpPayloadLength));
        Bytes.u32(s, ip + 4, Ipv4Header.FLAG_DONT_FRAGMENT);
        Bytes.u32(s, ip + 8, ((long) Ipv4Header.DEFAULT_TTL << 24) | ((long) Ipv4Header.PROTOCOL_UDP << 16));
        Bytes.u32(s, ip + 12, sourceIp & 0xFFFF_FFFFL);
        Bytes.u32(s, ip + 16, destinationIp & 0xFFFF_FFFFL);
        long udp = frame + UDP_OFFSET;
        Bytes.u16(s, udp, sourcePort);
        Bytes.u16(s, udp + 2, destinationPort);
        Bytes.u16(s, udp + 4, UdpHeader.LENGTH + udpPayloadLength);
        Bytes.u16(s, udp + 6, 0);
    }
}
