package net.dta.reporter;

import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/** Offsets of header fields in a frame of a {@code net.dta.packetio.PacketBatch} (the payload: {@link net.dta.protocol.UdpFrame}). */
public final class Frames {
    /** Offset of the IPv4 destination address in a frame. */
    public static final int IPV4_DESTINATION_OFFSET = EthernetHeader.LENGTH + Ipv4Header.DESTINATION_OFFSET;
    /** Offset of the UDP destination port in a frame. */
    public static final int UDP_DESTINATION_PORT_OFFSET = EthernetHeader.LENGTH + Ipv4Header.LENGTH + UdpHeader.DESTINATION_PORT_OFFSET;

    private Frames() {
    }
}
