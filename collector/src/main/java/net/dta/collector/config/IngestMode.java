package net.dta.collector.config;

import java.util.Arrays;
import java.util.List;

/** How RoCEv2 packets reach the collector's memory. */
public enum IngestMode {
    /** The software responder on a UDP socket: runs anywhere, cannot verify ICRCs. */
    UDP("udp"),
    /** The software responder on a raw socket: sees IP headers and verifies ICRCs (needs CAP_NET_RAW). */
    RAW("raw"),
    /**
     * The software responder on an AF_XDP socket fed by an XDP program (kernel bypass; needs
     * CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF), or on an AF_PACKET ring where AF_XDP cannot open;
     * verifies ICRCs. Not on loopback-only hosts' lo: see docs/collector.md.
     */
    XDP("xdp"),
    /** A real RDMA NIC through DiSNI (needs libdisni and rdma-core). */
    DISNI("disni");

    private final String configName;

    IngestMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(IngestMode::configName).toList();
    }

    public static IngestMode ofConfigName(String name) {
        for (IngestMode m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown ingest mode " + name + "; expected one of " + configNames());
    }
}
