package net.dta.rdma.soft;

/** The responder in portable UDP mode on a random 127.x.y.1 (requester .2). */
class UdpModeResponderTest extends ResponderLoopbackTestBase {
    // Per test: raw sockets see every packet, so a responder of another test (or build) must not share it.
    private final String address = net.dta.testkit.Loopback.uniqueSubnet() + "1";

    @Override
    boolean raw() {
        return false;
    }

    @Override
    String collectorAddress() {
        return address;
    }
}
