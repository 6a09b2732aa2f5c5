package net.dta.testkit;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback addresses for tests. Raw sockets see every packet on the host, so tests that use fixed
 * addresses disturb each other when several builds run at once (other checkouts, CI and a
 * developer): each test class takes its own random 127.x.y.0/24.
 */
public final class Loopback {
    private Loopback() {
    }

    /** A fresh prefix such as {@code "127.183.22."}: append the host byte (1..254). */
    public static String uniqueSubnet() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(2, 255) + "." + r.nextInt(1, 255) + ".";
    }
}
