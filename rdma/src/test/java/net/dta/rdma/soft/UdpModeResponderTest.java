package net.dta.rdma.soft;

/** The responder in portable UDP mode on 127.77.2.1 (requester 127.77.2.2). */
class UdpModeResponderTest extends ResponderLoopbackTestBase {
    @Override
    boolean raw() {
        return false;
    }

    @Override
    String collectorAddress() {
        return "127.77.2.1";
    }
}
