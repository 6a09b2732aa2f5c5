package net.dta.bench.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import net.dta.bench.netns.VethPath.Role;
import net.dta.packetio.Ipv4;

/**
 * The namespace fixture on its own: sockets opened through {@link VethPath#call} live in the role's namespace (its
 * addresses bind there and nowhere else), datagrams cross the veth pairs both ways with the sources the routes say,
 * the namespace's socket table is found, and every namespace is gone after close. Needs root and iproute2: CI
 * (DTA_REQUIRE_NETNS=1) fails without them, elsewhere the test skips.
 */
class VethPathTest {
    @Test
    void socketsLiveInTheirNamespaceAndTrafficCrossesTheVethPairs() throws Exception {
        String why = VethPath.unavailable();
        if (why != null && "1".equals(System.getenv("DTA_REQUIRE_NETNS"))) {
            throw new AssertionError("network namespaces are required (DTA_REQUIRE_NETNS=1): " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        String translator = Ipv4.format(VethPath.TRANSLATOR_ADDRESS);
        String collector = Ipv4.format(VethPath.collectorAddress(0));
        List<String> names;
        try (VethPath path = VethPath.create()) {
            names = path.namespaces();
            assertTrue(VethPath.existingNamespaces().containsAll(names), names.toString());
            // The collector's address exists only in its namespace.
            try (DatagramChannel here = DatagramChannel.open(StandardProtocolFamily.INET)) {
                assertThrows(BindException.class, () -> here.bind(new InetSocketAddress(collector, 0)));
            }
            try (DatagramChannel atTranslator = path.call(Role.TRANSLATOR, () -> DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(translator, 0)));
                 DatagramChannel atReporter = path.call(Role.REPORTER, () -> DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("10.77.1.1", 0)));
                 DatagramChannel atCollector = path.call(Role.COLLECTOR, () -> DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(collector, 0)))) {
                int port = ((InetSocketAddress) atTranslator.getLocalAddress()).getPort();
                atReporter.send(ByteBuffer.wrap("report".getBytes(StandardCharsets.US_ASCII)), new InetSocketAddress(translator, port));
                assertEquals("10.77.1.1", receiveFrom(atTranslator));
                atCollector.send(ByteBuffer.wrap("ack".getBytes(StandardCharsets.US_ASCII)), new InetSocketAddress(translator, port));
                assertEquals(collector, receiveFrom(atTranslator));
                atTranslator.send(ByteBuffer.wrap("write".getBytes(StandardCharsets.US_ASCII)), atCollector.getLocalAddress());
                assertEquals(translator, receiveFrom(atCollector));
                // The translator's socket is in its namespace's table (not the main thread's /proc/net), with no drops.
                assertEquals(0, path.socketDrops(Role.TRANSLATOR, false, VethPath.TRANSLATOR_ADDRESS, port));
                assertEquals(-1, path.socketDrops(Role.COLLECTOR, false, VethPath.TRANSLATOR_ADDRESS, port));
            }
        }
        List<String> left = VethPath.existingNamespaces();
        for (String n : names) {
            assertFalse(left.contains(n), n + " was not deleted: " + left);
        }
    }

    /** The source address of the next datagram (blocking, with a bound: a lost datagram fails the test, it does not hang). */
    private static String receiveFrom(DatagramChannel channel) throws Exception {
        channel.configureBlocking(false);
        ByteBuffer b = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            InetSocketAddress from = (InetSocketAddress) channel.receive(b);
            if (from != null) {
                return from.getAddress().getHostAddress();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no datagram within 10 s");
    }
}
