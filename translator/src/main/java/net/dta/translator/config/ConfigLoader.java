package net.dta.translator.config;

import java.io.Reader;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import net.dta.common.admin.ControllerLink;
import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigFiles;
import net.dta.common.config.ConfigNode;
import net.dta.common.config.ConfigProblem;
import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.config.YamlTree;
import net.dta.common.security.ServerSecurity;
import net.dta.translator.dataplane.RequesterSettings;

/**
 * Reads and validates the translator's YAML configuration: every problem reported at once with
 * file, line, column and field; unknown fields are errors; every field has a default.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static TranslatorConfig load(Path file) throws ConfigException {
        return ConfigFiles.load(file, (name, text, baseDir, source) -> parse(name, text, source));
    }

    /** Parses text named {@code fileName} in messages. */
    public static TranslatorConfig parse(String fileName, Reader text, Path source) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigNode root = new YamlTree(fileName, problems).parse(text);
        if (root == null) {
            // An empty file is every default: the YAML tree reports it as a problem for the collector's sake.
            if (problems.size() == 1 && problems.get(0).message().startsWith("the file is empty")) {
                TranslatorConfig d = TranslatorConfig.defaults();
                return new TranslatorConfig(source, d.name(), d.deviceId(), d.p4runtime(), d.network(), d.dataPlane(), d.admin());
            }
            throw new ConfigException(problems);
        }
        TranslatorConfig config = bind(fileName, root, source, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static TranslatorConfig bind(String file, ConfigNode root, Path source, List<ConfigProblem> problems) {
        TranslatorConfig d = TranslatorConfig.defaults();
        Fields top = Fields.of(file, "", root, problems);

        Fields t = top.section("translator");
        String name = Objects.requireNonNullElse(t.name("name", d.name()), d.name());
        long deviceId = t.integer("device-id", 1, 0, Integer.MAX_VALUE);
        t.rejectUnknown("translator");

        Fields p = top.section("p4runtime");
        HostPort p4rt = p.hostPort("address", d.p4runtime().address());
        Path base = source == null || source.getParent() == null ? Path.of("") : source.getParent();
        ServerSecurity p4rtSecurity = ServerSecurity.read(p, base);
        p.rejectUnknown("p4runtime");

        Fields n = top.section("network");
        Inet4Address address = n.ipv4("address", "127.0.0.1", "10.0.0.1");
        long mac = n.mac("mac", d.network().mac(), "02:00:00:00:00:01");
        int reportPort = n.integer("report-port", TranslatorConfig.DEFAULT_REPORT_PORT, 0, 65535);
        Mode mode = Mode.ofConfigName(n.choice("mode", "udp", Mode.configNames()));
        Inet4Address reportAddress = n.ipv4("report-address", address.getHostAddress(), "10.0.1.1");
        n.rejectUnknown("network");

        Fields dp = top.section("dataplane");
        Integer cacheLog2 = dp.powerOfTwo("postcard-cache-entries", "log2-postcard-cache-entries", 4, 24, false);
        int cache = cacheLog2 == null ? TranslatorConfig.DEFAULT_POSTCARD_CACHE : 1 << cacheLog2;
        int tails = dp.integer("append-tail-slots", TranslatorConfig.DEFAULT_APPEND_TAIL_SLOTS, 1,
                TranslatorConfig.DEFAULT_APPEND_TAIL_SLOTS);
        int batch = dp.integer("batch", TranslatorConfig.DEFAULT_BATCH, 1, 1024);
        boolean retransmit = dp.bool("retransmit", true);
        Integer windowLog2 = dp.powerOfTwo("retransmit-window", "log2-retransmit-window", 6, 16, false);
        int window = windowLog2 == null ? RequesterSettings.DEFAULT_WINDOW : 1 << windowLog2;
        long timeoutMicros = dp.integer("retransmit-timeout-micros", (int) RequesterSettings.DEFAULT_TIMEOUT_MICROS, 100, 10_000_000);
        dp.rejectUnknown("dataplane");

        Fields a = top.section("admin");
        boolean adminEnabled = a.bool("enabled", true);
        HostPort admin = a.hostPort("address", d.admin().address());
        ServerSecurity adminSecurity = ServerSecurity.read(a, base);
        a.rejectUnknown("admin");

        ControllerLink controller = ControllerLink.read(top.section("controller"), base);
        IntIngestConfig intIngest = intIngest(top.section("int"));
        if (intIngest.enabled() && intIngest.port() != 0 && intIngest.port() == reportPort) {
            top.problem("int", "int.port must differ from network.report-port (both are " + reportPort + ")");
        }

        top.rejectUnknown("the top level");
        return new TranslatorConfig(source, name, deviceId, new TranslatorConfig.P4Runtime(p4rt.host(), p4rt.port(), p4rtSecurity),
                new TranslatorConfig.Network(address, mac, reportPort, mode, reportAddress), new TranslatorConfig.DataPlane(cache, tails, batch,
                        new RequesterSettings(retransmit, window, timeoutMicros * 1000)),
                new TranslatorConfig.Admin(adminEnabled, admin.host(), admin.port(), adminSecurity), intIngest, controller);
    }

    /** The {@code int:} section (docs/int.md): off by default; store ids 0 leave a kind of telemetry unmapped. */
    private static IntIngestConfig intIngest(Fields i) {
        IntIngestConfig d = IntIngestConfig.OFF;
        boolean enabled = i.bool("enabled", false);
        int port = i.integer("port", IntIngestConfig.DEFAULT_PORT, 0, 65535);
        int intUdpPort = i.integer("int-udp-port", IntIngestConfig.DEFAULT_INT_UDP_PORT, 1, 65535);
        Fields pc = i.section("postcards");
        int pcStore = pc.integer("store", 0, 0, 65535);
        IntIngestConfig.HopValue value = IntIngestConfig.HopValue.ofConfigName(
                pc.choice("value", d.postcards().value().configName(), IntIngestConfig.HopValue.configNames()));
        int initialTtl = pc.integer("initial-ttl", d.postcards().initialTtl(), 1, 255);
        int perHopPath = pc.integer("per-hop-path-length", 0, 0, 8);
        pc.rejectUnknown("int.postcards");
        Fields f = i.section("flows");
        int flowStore = f.integer("store", 0, 0, 65535);
        boolean bytes = "bytes".equals(f.choice("count", "packets", List.of("packets", "bytes")));
        f.rejectUnknown("int.flows");
        Fields dr = i.section("drops");
        int dropStore = dr.integer("store", 0, 0, 65535);
        int dropList = dr.integer("list", 0, 0, (1 << 24) - 1);
        dr.rejectUnknown("int.drops");
        Fields q = i.section("queues");
        int queueStore = q.integer("store", 0, 0, 65535);
        q.rejectUnknown("int.queues");
        i.rejectUnknown("int");
        return new IntIngestConfig(enabled, port, intUdpPort, new IntIngestConfig.Postcards(pcStore, value, initialTtl, perHopPath),
                new IntIngestConfig.Flows(flowStore, bytes), new IntIngestConfig.Drops(dropStore, dropList),
                new IntIngestConfig.Queues(queueStore));
    }
}
