package net.dta.rdma.soft;

import org.junit.jupiter.api.BeforeEach;

import net.dta.rdma.net.RawSockets;

/** The responder in raw mode on 127.77.3.1 (requester 127.77.3.2): real IPv4 headers, ICRCs verified. */
class RawModeResponderTest extends ResponderLoopbackTestBase {
    @BeforeEach
    void requireRawSockets() {
        RawSockets.assumeAvailable();
    }

    @Override
    boolean raw() {
        return true;
    }

    @Override
    String collectorAddress() {
        return "127.77.3.1";
    }
}
