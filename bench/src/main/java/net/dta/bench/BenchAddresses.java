package net.dta.bench;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The loopback addresses of one benchmark run: a random 127.x.y.0/24 per process, so two runs at
 * once (a benchmark and CI's tests, or two checkouts) never bind the same address and port, and a
 * raw-mode run does not see the other's packets as its own.
 */
final class BenchAddresses {
    private static final String SUBNET = "127." + ThreadLocalRandom.current().nextInt(2, 255) + "."
            + ThreadLocalRandom.current().nextInt(1, 255) + ".";

    private BenchAddresses() {
    }

    /** The address with the given last byte (1..254) in this run's subnet. */
    static String host(int lastByte) {
        return SUBNET + lastByte;
    }
}
