package net.dta.rdma.soft;

/** The raw-mode suite with two data-plane threads: each raw socket's filter accepts QPN mod 2 == its index. */
class RawModeTwoThreadsResponderTest extends RawModeResponderTest {
    @Override
    int threads() {
        return 2;
    }
}
