package net.dta.packetio.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import net.dta.protocol.UdpFrame;

/** The protocol's payload offset is where the wire flyweights put a UDP payload. */
class UdpFrameTest {
    @Test
    void payloadStartsAfterTheEthernetIpv4AndUdpHeaders() {
        assertEquals(EthernetHeader.LENGTH + Ipv4Header.LENGTH + UdpHeader.LENGTH, UdpFrame.PAYLOAD_OFFSET);
    }
}
