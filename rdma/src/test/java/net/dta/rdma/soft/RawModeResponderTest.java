package net.dta.rdma.soft;

import org.junit.jupiter.api.BeforeEach;

import net.dta.testkit.RawSockets;

/** The responder in raw mode on a random 127.x.y.1 (requester .2): real IPv4 headers, ICRCs verified. */
class RawModeResponderTest extends ResponderLoopbackTestBase {
    // Per test: raw sockets see every packet, so a responder of another test (or build) must not share it.
    private final String address = net.dta.testkit.Loopback.uniqueSubnet() + "1";

    @BeforeEach
    void requireRawSockets() {
        RawSockets.require();
    }

    @Override
    boolean raw() {
        return true;
    }

    @Override
    String collectorAddress() {
        return address;
    }
}
