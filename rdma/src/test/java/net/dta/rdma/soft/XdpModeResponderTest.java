package net.dta.rdma.soft;

import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dta.rdma.wire.AethSyndrome;
import net.dta.testkit.VethNamespaces;

/**
 * The responder in xdp mode (AF_XDP) in its own network namespace, driven by the raw-socket
 * requester from a second namespace across a veth pair: the whole functional suite of udp and
 * raw mode, over a real link with ARP instead of loopback.
 */
class XdpModeResponderTest extends ResponderLoopbackTestBase {
    VethNamespaces net;

    @BeforeEach
    void createNamespaces() throws Exception {
        VethNamespaces.require();
        net = VethNamespaces.create();
        closeables.add(net); // first in, so deleted after the responder and requester closed
    }

    /** What status must say about the packet path: here AF_XDP, not the fallback (root, a kernel with XDP sockets). */
    String expectedPath() {
        return "AF_XDP socket on " + net.interfaceA;
    }

    @Test
    void shouldSayWhichPacketPathRuns() throws Exception {
        start(true);
        assertTrue(backend.describe().contains(expectedPath()), backend.describe());
        assertTrue(backend.verifiesIcrc());
        org.junit.jupiter.api.Assertions.assertEquals("soft-xdp", backend.name());
    }

    /** One AF_XDP socket on queue 0: more threads asked for run as one, and the suite still holds (connect, write). */
    @Test
    void shouldRunOneDataPlaneThreadWhenMoreAreAskedFor() throws Exception {
        askedThreads = 2;
        start(true);
        org.junit.jupiter.api.Assertions.assertEquals(1, backend.threads());
        int qpn = connect(0x103, 0x100, 1024);
        requester.writeOnly(qpn, 0x100, true, region.va(), region.rkeys()[0], bytes(8, 1));
        requester.flush();
        assertAck(onlyReply("WRITE Only"), AethSyndrome.ACK, 0x100);
    }

    private int askedThreads = 1;

    @Override
    int threads() {
        return askedThreads;
    }

    @Override
    boolean raw() {
        return true;
    }

    @Override
    SoftRoceConfig.Mode mode() {
        return SoftRoceConfig.Mode.XDP;
    }

    @Override
    String collectorAddress() {
        return net.addressA;
    }

    @Override
    <T> T onCollectorSide(Callable<T> action) throws Exception {
        return net.inA(action);
    }

    @Override
    <T> T onRequesterSide(Callable<T> action) throws Exception {
        return net.inB(action);
    }
}
