package net.dta.rdma.soft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import net.dta.packetio.LinkLayerChannels;

/**
 * The responder in xdp mode forced onto its fallback, the AF_PACKET TPACKET_V3 ring
 * ({@code dta.packet-path=ring}), across the same veth pair: the whole functional suite again, and
 * the status says which path runs and why.
 */
class RingModeResponderTest extends XdpModeResponderTest {
    @Override
    <T> T onCollectorSide(Callable<T> action) throws Exception {
        System.setProperty(LinkLayerChannels.PATH_PROPERTY, "ring");
        try {
            return super.onCollectorSide(action);
        } finally {
            System.clearProperty(LinkLayerChannels.PATH_PROPERTY);
        }
    }

    @Override
    String expectedPath() {
        return "AF_PACKET TPACKET_V3 ring on " + net.interfaceA + " (index";
    }

    @Test
    void shouldSayWhyTheFallbackRuns() throws Exception {
        start(true);
        assertTrue(backend.describe().contains("xdp mode's fallback: dta.packet-path=ring"), backend.describe());
    }
}
