package net.dta.translator.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code int:} section (docs/int.md, "Configuration"): whether and where the translator accepts
 * Telemetry Report v2.0 datagrams, and which DTA store each kind of INT telemetry goes to. A store id
 * of 0 leaves that kind unmapped (its reports are counted as {@code unmapped}).
 *
 * @param enabled    off by default
 * @param port       the UDP port on network.address (0 picks a free port, for tests)
 * @param intUdpPort the UDP destination port that marks INT over UDP inside the reported packets
 */
public record IntIngestConfig(boolean enabled, int port, int intUdpPort, Postcards postcards, Flows flows, Drops drops,
                              Queues queues) {
    public static final int DEFAULT_PORT = 40050;
    public static final int DEFAULT_INT_UDP_PORT = 5000;
    public static final IntIngestConfig OFF = new IntIngestConfig(false, DEFAULT_PORT, DEFAULT_INT_UDP_PORT,
            new Postcards(0, HopValue.SWITCH_AND_QUEUE, 64, 0), new Flows(0, false), new Drops(0, 0), new Queues(0));

    /** What a hop's postcard value is made of. */
    public enum HopValue {
        /** (node id mod 256) << 24 | queue occupancy (24 bits): the demo's postcard value. */
        SWITCH_AND_QUEUE,
        SWITCH_ID,
        HOP_LATENCY,
        QUEUE_OCCUPANCY;

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static List<String> configNames() {
            return Arrays.stream(values()).map(HopValue::configName).toList();
        }

        public static HopValue ofConfigName(String name) {
            for (HopValue v : values()) {
                if (v.configName().equals(name)) {
                    return v;
                }
            }
            return SWITCH_AND_QUEUE;
        }
    }

    /**
     * Path tracing: INT-MD stacks and INT-XD/MX per-hop reports become Postcard reports.
     *
     * @param initialTtl        the IPv4 TTL of the packets hop 0 reports: a per-hop report's hop is initialTtl - TTL
     * @param perHopPathLength  path length of per-hop reports (0 = the store's hops; the row is written when the
     *                          cache entry is evicted or idle)
     */
    public record Postcards(int store, HopValue value, int initialTtl, int perHopPathLength) {
    }

    /** Per-flow counts: each tracked packet (once per packet) adds 1 or its IPv4 length to a Key-Increment store. */
    public record Flows(int store, boolean bytes) {
    }

    /** Drop reports become Append entries of this store's list: (node id mod 2^24) << 8 | drop reason. */
    public record Drops(int store, long list) {
    }

    /** Queue-congestion reports become Key-Writes of (node id, queue id) → queue occupancy (a store with 4-byte values). */
    public record Queues(int store) {
    }

    public IntIngestConfig withPort(int value) {
        return new IntIngestConfig(enabled, value, intUdpPort, postcards, flows, drops, queues);
    }
}
