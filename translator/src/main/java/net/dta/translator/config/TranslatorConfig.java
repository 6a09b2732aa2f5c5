package net.dta.translator.config;

import net.dta.common.admin.ControllerLink;
import net.dta.common.security.ServerSecurity;
import java.net.Inet4Address;
import java.nio.file.Path;

import net.dta.protocol.Addresses;
import net.dta.translator.dataplane.RequesterSettings;

/**
 * A validated translator configuration (docs/translator.md documents every field and default).
 * Only what is not runtime state: stores, collectors, queue pairs, regions and routes are
 * P4Runtime state, written by the controller.
 *
 * @param source the file it was read from, or null when built in code
 * @param controller where to announce a start (null: not announced; the controller's polling finds it)
 */
public record TranslatorConfig(Path source, String name, long deviceId, P4Runtime p4runtime, Network network,
                               DataPlane dataPlane, Admin admin, IntIngestConfig intIngest,
                               ControllerLink controller) {
    public static final int DEFAULT_P4RUNTIME_PORT = 9559;
    public static final int DEFAULT_REPORT_PORT = 40040;
    public static final int DEFAULT_ADMIN_PORT = 40043;
    public static final long DEFAULT_MAC = 0x02_00_00_00_00_01L;
    public static final int DEFAULT_POSTCARD_CACHE = 65536;
    public static final int DEFAULT_APPEND_TAIL_SLOTS = 65536;
    public static final int DEFAULT_BATCH = 64;

    /** Without INT ingest (its default: off). */
    public TranslatorConfig(Path source, String name, long deviceId, P4Runtime p4runtime, Network network, DataPlane dataPlane,
                            Admin admin) {
        this(source, name, deviceId, p4runtime, network, dataPlane, admin, IntIngestConfig.OFF, null);
    }

    /** Where controllers connect (host:port; port 0 picks a free port), and how they are authenticated. */
    public record P4Runtime(String host, int port, ServerSecurity security) {
        public P4Runtime(String host, int port) {
            this(host, port, ServerSecurity.NONE);
        }

        public String address() {
            return host + ":" + port;
        }
    }

    /**
     * The translator's network side.
     *
     * @param address       its IPv4 address: RoCEv2 goes out from it and replies arrive on address:4791
     * @param mac           its MAC (destination MAC of PacketIn frames; sockets do not show MACs)
     * @param reportPort    the DTA report port (0 picks a free port, for tests)
     * @param mode          UDP (portable), RAW (exact ICRCs, CAP_NET_RAW) or XDP (kernel bypass)
     * @param reportAddress where reports arrive (reportAddress:reportPort, and INT ingest's port): the
     *                      address itself, or one on another interface (reporters on one link,
     *                      collectors on another)
     */
    public record Network(Inet4Address address, long mac, int reportPort, Mode mode, Inet4Address reportAddress) {
        /** Reports on the translator's own address. */
        public Network(Inet4Address address, long mac, int reportPort, Mode mode) {
            this(address, mac, reportPort, mode, address);
        }

        public Network withReportAddress(Inet4Address value) {
            return new Network(address, mac, reportPort, mode, value);
        }
    }

    /**
     * @param postcardCacheEntries postcard cache entries (a power of two, protocol.md 6.3)
     * @param appendTailSlots      cells of the Append tail register (tail_base + list)
     * @param batch                frames per recvmmsg/sendmmsg
     * @param requester            retransmission, window and timeout of the RC requester (protocol.md 5.6)
     */
    public record DataPlane(int postcardCacheEntries, int appendTailSlots, int batch, RequesterSettings requester) {
        public DataPlane(int postcardCacheEntries, int appendTailSlots, int batch) {
            this(postcardCacheEntries, appendTailSlots, batch, RequesterSettings.DEFAULT);
        }
    }

    public record Admin(boolean enabled, String host, int port, ServerSecurity security) {
        public Admin(boolean enabled, String host, int port) {
            this(enabled, host, port, ServerSecurity.NONE);
        }

        public String address() {
            return host + ":" + port;
        }
    }

    /** Every default: name translator, device 1, P4Runtime 127.0.0.1:9559, network 127.0.0.1 UDP mode, admin 127.0.0.1:40043. */
    public static TranslatorConfig defaults() {
        return new TranslatorConfig(null, "translator", 1, new P4Runtime("127.0.0.1", DEFAULT_P4RUNTIME_PORT),
                new Network(Addresses.inet4(0x7F00_0001), DEFAULT_MAC, DEFAULT_REPORT_PORT, Mode.UDP),
                new DataPlane(DEFAULT_POSTCARD_CACHE, DEFAULT_APPEND_TAIL_SLOTS, DEFAULT_BATCH),
                new Admin(true, "127.0.0.1", DEFAULT_ADMIN_PORT));
    }

    /**
     * For tests and benchmarks: everything on {@code address} with free ports (P4Runtime, reports,
     * admin), in the given mode.
     */
    public static TranslatorConfig forTest(String address, Mode mode) {
        TranslatorConfig d = defaults();
        // xdp mode runs on a link address (not loopback): the control plane stays on loopback, where it
        // needs no TLS; its XDP program steers a fixed report port, the default one.
        String control = mode == Mode.XDP ? "127.0.0.1" : address;
        return new TranslatorConfig(null, "translator", 1, new P4Runtime(control, 0),
                new Network(ipv4(address), DEFAULT_MAC, mode == Mode.XDP ? DEFAULT_REPORT_PORT : 0, mode), d.dataPlane(),
                new Admin(true, control, 0));
    }

    public TranslatorConfig withName(String value) {
        return new TranslatorConfig(source, value, deviceId, p4runtime, network, dataPlane, admin, intIngest, controller);
    }

    public TranslatorConfig withDeviceId(long value) {
        return new TranslatorConfig(source, name, value, p4runtime, network, dataPlane, admin, intIngest, controller);
    }

    public TranslatorConfig withP4Runtime(String host, int port) {
        return new TranslatorConfig(source, name, deviceId, new P4Runtime(host, port, p4runtime.security()), network, dataPlane, admin, intIngest, controller);
    }

    public TranslatorConfig withP4RuntimeSecurity(ServerSecurity value) {
        return new TranslatorConfig(source, name, deviceId, new P4Runtime(p4runtime.host(), p4runtime.port(), value), network,
                dataPlane, admin, intIngest, controller);
    }

    public TranslatorConfig withNetwork(Network value) {
        return new TranslatorConfig(source, name, deviceId, p4runtime, value, dataPlane, admin, intIngest, controller);
    }

    public TranslatorConfig withDataPlane(DataPlane value) {
        return new TranslatorConfig(source, name, deviceId, p4runtime, network, value, admin, intIngest, controller);
    }

    public TranslatorConfig withAdmin(Admin value) {
        return new TranslatorConfig(source, name, deviceId, p4runtime, network, dataPlane, value, intIngest, controller);
    }

    public TranslatorConfig withIntIngest(IntIngestConfig value) {
        return new TranslatorConfig(source, name, deviceId, p4runtime, network, dataPlane, admin, value, controller);
    }

    public TranslatorConfig withController(ControllerLink value) {
        return new TranslatorConfig(source, name, deviceId, p4runtime, network, dataPlane, admin, intIngest, value);
    }

    private static Inet4Address ipv4(String dotted) {
        Integer a = Addresses.parseIpv4(dotted);
        if (a == null) {
            throw new IllegalArgumentException("not an IPv4 address (four decimal octets like 10.0.0.1): " + dotted);
        }
        return Addresses.inet4(a);
    }
}
