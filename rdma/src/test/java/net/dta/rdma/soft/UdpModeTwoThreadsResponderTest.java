package net.dta.rdma.soft;

/**
 * The UDP-mode suite with two data-plane threads: two sockets in a SO_REUSEPORT group, packets
 * steered by QPN mod 2 in the kernel, CM on thread 1 handing queue pairs to thread 0.
 */
class UdpModeTwoThreadsResponderTest extends UdpModeResponderTest {
    @Override
    int threads() {
        return 2;
    }
}
