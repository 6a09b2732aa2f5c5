package net.dta.translator.config;

import java.util.List;

/** How the translator sends RoCEv2 and receives replies (docs/translator.md, "Modes"). */
public enum Mode {
    /** Portable: a UDP socket on address:4791; the kernel writes the IPv4 header, so ICRCs are computed for the header Linux sends (not guaranteed). */
    UDP("udp"),
    /** Raw IPv4 sockets (CAP_NET_RAW): the translator writes the IPv4 header, every ICRC is exact and every reply's ICRC verified. */
    RAW("raw"),
    /**
     * Kernel bypass (CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF): reports arrive on an AF_XDP socket fed
     * by an XDP program, RoCEv2 goes out and replies come in on an AF_PACKET TPACKET_V3 ring (one
     * XDP program per interface); either falls back to the ring where AF_XDP cannot open. ICRCs
     * exact and verified, as in raw mode.
     */
    XDP("xdp");

    private final String configName;

    Mode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return List.of("udp", "raw", "xdp");
    }

    public static Mode ofConfigName(String name) {
        return switch (name) {
            case "raw" -> RAW;
            case "xdp" -> XDP;
            default -> UDP;
        };
    }
}
