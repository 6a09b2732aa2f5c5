package net.dta.translator.config;

import java.util.List;

/** How the translator sends RoCEv2 and receives replies (docs/translator.md, "Modes"). */
public enum Mode {
    /** Portable: a UDP socket on address:4791; the kernel writes the IPv4 header, so ICRCs are computed for the header Linux sends (not guaranteed). */
    UDP("udp"),
    /** Raw IPv4 sockets (CAP_NET_RAW): the translator writes the IPv4 header, every ICRC is exact and every reply's ICRC verified. */
    RAW("raw");

    private final String configName;

    Mode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return List.of("udp", "raw");
    }

    public static Mode ofConfigName(String name) {
        return "raw".equals(name) ? RAW : UDP;
    }
}
