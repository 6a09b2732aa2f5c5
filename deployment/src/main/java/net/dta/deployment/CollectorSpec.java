package net.dta.deployment;

import java.nio.file.Path;

/**
 * One collector of the deployment (docs/deployment.md, {@code collectors[]}).
 *
 * @param index the collector id translators know it by (0..255; the translator's QPN towards it is 0x100 + index)
 * @param address its RoCEv2 IPv4 address (int form)
 * @param mac its MAC (destination of the host route towards it)
 * @param cmPort RDMA CM service port
 * @param pathMtu RDMA payload bytes per packet asked for in the REQ
 * @param admin its admin endpoint ({@code /status}), or null
 * @param dataDir its data directory, for readers on the same host, or null
 * @param query the endpoint of a query service next to it, or null
 */
public record CollectorSpec(String name, int index, int address, long mac, int cmPort, int pathMtu, HostPort admin,
                            Path dataDir, HostPort query) {
    public String addressText() {
        return Ipv4s.format(address);
    }

    /** "collector c2 (127.0.0.22)": how messages name it. */
    public String describe() {
        return "collector " + name + " (" + addressText() + ")";
    }
}
