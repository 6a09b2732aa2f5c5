package net.dta.deployment;

import java.nio.file.Path;

import net.dta.common.config.HostPort;
import net.dta.common.security.ClientSecurity;
import net.dta.protocol.Addresses;

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
 * @param adminSecurity how readers reach {@code admin} when it is protected ({@code admin-security}, docs/security.md)
 * @param querySecurity how a query service forwarding to {@code query} reaches it ({@code query-security})
 */
public record CollectorSpec(String name, int index, int address, long mac, int cmPort, int pathMtu, HostPort admin,
                            Path dataDir, HostPort query, ClientSecurity adminSecurity, ClientSecurity querySecurity) {
    /** A collector whose endpoints are unprotected (loopback, tests). */
    public CollectorSpec(String name, int index, int address, long mac, int cmPort, int pathMtu, HostPort admin, Path dataDir,
                         HostPort query) {
        this(name, index, address, mac, cmPort, pathMtu, admin, dataDir, query, ClientSecurity.NONE, ClientSecurity.NONE);
    }

    public String addressText() {
        return Addresses.formatIpv4(address);
    }

    /** "collector c2 (127.0.0.22)": how messages name it. */
    public String describe() {
        return "collector " + name + " (" + addressText() + ")";
    }
}
