package net.dta.reporter;

import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/** Where a UDP datagram's payload sits in a frame of a {@code net.dta.packetio.PacketBatch}. */
public final class Frames {
    /** Ethernet (14) + IPv4 (20) + UDP (8): the channels deal in whole frames, the report starts here. */
    public static final int UDP_PAYLOAD_OFFSET = EthernetHeader.LENGTH + Ipv4Header.LENGTH + UdpHeader.LENGTH;
    /** Offset of the IPv4 destination address in a frame. */
    public static final int IPV4_DESTINATION_OFFSET = EthernetHeader.LENGTH + Ipv4Header.DESTINATION_OFFSET;
    /** Offset of the UDP destination port in a frame. */
    public static final int UDP_DESTINATION_PORT_OFFSET = EthernetHeader.LENGTH + Ipv4Header.LENGTH + UdpHeader.DESTINATION_PORT_OFFSET;

    private Frames() {
    }
}
