package net.dta.deployment;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigFiles;
import net.dta.common.config.ConfigNode;
import net.dta.common.config.ConfigProblem;
import net.dta.common.config.Fields;
import net.dta.common.config.YamlTree;
import net.dta.common.security.ClientSecurity;
import net.dta.common.security.ServerSecurity;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;

/**
 * Reads and validates a deployment file. Every problem is collected (not only the first) and
 * names file, line, column, field and what is expected; unknown fields are errors; cross
 * references (collector names in stores and bucket maps, store names in reporters, translator
 * names) are checked. A file with problems yields no {@link Deployment}.
 */
public final class DeploymentLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern MICROS = Pattern.compile("(\\d{1,9})\\s*(us|µs|ms|s)");
    private static final Pattern BUCKET_RANGE = Pattern.compile("(\\d{1,3})(?:\\s*-\\s*(\\d{1,3}))?");
    private static final String NAME_RULE = "1..64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final List<String> KINDS = Arrays.stream(StoreKind.values()).map(StoreKind::configName).toList();
    /** Tail registers of a translator ({@code Ingress.dta_append_tail}). */
    public static final int TAIL_REGISTERS = 65536;
    public static final int DEFAULT_REPORT_PORT = 40040;
    public static final int DEFAULT_CM_PORT = 40041;
    public static final int DEFAULT_P4RUNTIME_PORT = 9559;

    private DeploymentLoader() {
    }

    public static Deployment load(Path file) throws ConfigException {
        return ConfigFiles.load(file, DeploymentLoader::parse);
    }

    /**
     * Parses text called {@code fileName} in messages; relative paths resolve against baseDir.
     *
     * @param source recorded in the result (may be null)
     */
    public static Deployment parse(String fileName, Reader text, Path baseDir, Path source) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        String content;
        try {
            java.io.StringWriter w = new java.io.StringWriter();
            text.transferTo(w);
            content = w.toString();
        } catch (IOException e) {
            throw new ConfigException(new ConfigProblem(fileName, 0, 0, "", "cannot read: " + e.getMessage()));
        }
        if (content.isBlank()) {
            throw new ConfigException(new ConfigProblem(fileName, 0, 0, "",
                    "the file is empty; a deployment needs at least 'collectors' and 'stores' (see deployment.example.yaml)"));
        }
        ConfigNode root = new YamlTree(fileName, problems).parse(new StringReader(content));
        if (root == null) {
            throw new ConfigException(problems);
        }
        Deployment d = new Binder(fileName, baseDir, problems).bind(root, source);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return d;
    }

    private static final class Binder {
        private final String file;
        private final Path baseDir;
        private final List<ConfigProblem> problems;
        /** Every collector name declared, valid entry or not, so that references to it are not reported twice. */
        private final java.util.Set<String> collectorNames = new java.util.LinkedHashSet<>();

        Binder(String file, Path baseDir, List<ConfigProblem> problems) {
            this.file = file;
            this.baseDir = baseDir;
            this.problems = problems;
        }

        Deployment bind(ConfigNode root, Path source) {
            Fields top = Fields.of(file, "", root, problems);
            Fields dep = top.section("deployment");
            String name = name(dep, "name", "dta");
            dep.rejectUnknown("deployment");
            ControllerSettings controller = controller(top.section("controller"));

            List<CollectorSpec> collectors = collectors(top);
            Map<String, CollectorSpec> collectorsByName = new LinkedHashMap<>();
            collectors.forEach(c -> collectorsByName.put(c.name(), c));
            List<StoreSpec> stores = stores(top, collectorsByName);
            Map<String, StoreSpec> storesByName = new LinkedHashMap<>();
            stores.forEach(s -> storesByName.put(s.name(), s));
            List<TranslatorSpec> translators = translators(top, collectorsByName);
            Map<String, TranslatorSpec> translatorsByName = new LinkedHashMap<>();
            translators.forEach(t -> translatorsByName.put(t.name(), t));
            List<ReporterSpec> reporters = reporters(top, translatorsByName, storesByName);
            switchEndpointsUnique(top, translators, reporters);
            top.rejectUnknown("the top level");
            return new Deployment(source, name, controller, translators, collectors, stores, reporters);
        }

        // ---------------------------------------------------------------- controller

        private ControllerSettings controller(Fields f) {
            ControllerSettings d = ControllerSettings.defaults();
            Fields admin = f.section("admin");
            boolean enabled = admin.bool("enabled", true);
            HostPort adminAt = hostPort(admin, "address", d.admin());
            ServerSecurity adminSecurity = ServerSecurity.read(admin, baseDir);
            admin.rejectUnknown("controller.admin");
            Duration deadline = f.duration("rpc-deadline", d.rpcDeadline(), Duration.ofMillis(100), Duration.ofMinutes(10));
            Fields cm = f.section("cm");
            Duration cmTimeout = cm.duration("timeout", d.cmTimeout(), Duration.ofMillis(10), Duration.ofMinutes(1));
            int retries = cm.integer("retries", d.cmRetries(), 0, 100);
            // The deployment's CM secret: only the controller needs it (it refuses to connect without);
            // the query service and the CLI read this file too and need none.
            byte[] secret = null;
            if (cm.has("secret-file")) {
                String file = cm.string("secret-file", "", "a file path");
                try {
                    secret = net.dta.protocol.auth.CmSecret.load(baseDir.resolve(file).normalize(), cm.field("secret-file"));
                } catch (IllegalArgumentException e) {
                    cm.problem("secret-file", e.getMessage().substring(e.getMessage().indexOf(':') + 2));
                }
            }
            cm.rejectUnknown("controller.cm");
            Fields reconnect = f.section("reconnect");
            Duration min = reconnect.duration("min-backoff", d.minBackoff(), Duration.ofMillis(10), Duration.ofHours(1));
            Duration max = reconnect.duration("max-backoff", d.maxBackoff(), Duration.ofMillis(10), Duration.ofHours(1));
            if (max.compareTo(min) < 0) {
                reconnect.problem("max-backoff", "must be at least min-backoff (" + min.toMillis() + "ms), got " + max.toMillis() + "ms");
            }
            reconnect.rejectUnknown("controller.reconnect");
            Duration poll = f.duration("poll-interval", d.pollInterval(), Duration.ofMillis(50), Duration.ofHours(1));
            f.rejectUnknown("controller");
            return new ControllerSettings(enabled ? adminAt : null, deadline, cmTimeout, retries, min, max, poll, adminSecurity,
                    secret);
        }

        // ---------------------------------------------------------------- collectors

        private List<CollectorSpec> collectors(Fields top) {
            List<ConfigNode> items = top.list("collectors", true);
            if (items.isEmpty() && top.has("collectors")) {
                top.problem("collectors", "the list is empty; a deployment needs at least one collector");
            }
            List<CollectorSpec> out = new ArrayList<>();
            Unique<String> names = new Unique<>("collectors", "name", "collector names must be unique");
            Unique<Integer> indices = new Unique<>("collectors", "index", "collector indices must be unique (translators know collectors by index)");
            Unique<Integer> addresses = new Unique<>("collectors", "address", "collector addresses must be unique (one RDMA endpoint each)");
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, "collectors[" + i + "]", items.get(i), problems);
                int before = problems.size();
                String name = name(f, "name", null);
                if (name != null) {
                    collectorNames.add(name);
                }
                int index = f.integer("index", Math.min(i, 255), 0, 255);
                Integer address = ipv4(f, "address", null);
                long mac = mac(f, "mac", address == null ? 0 : Mac.ofIpv4(address));
                int cmPort = f.integer("cm-port", DEFAULT_CM_PORT, 1, 65535);
                int mtu = f.integer("path-mtu", 1024, 256, 4096);
                if (Integer.bitCount(mtu) != 1) {
                    f.problem("path-mtu", "must be 256, 512, 1024, 2048 or 4096 (an InfiniBand MTU), got " + mtu);
                }
                HostPort admin = hostPort(f, "admin", null);
                Path dataDir = f.has("data-dir") ? baseDir.resolve(f.string("data-dir", "", "a directory path")).normalize() : null;
                HostPort query = hostPort(f, "query", null);
                ClientSecurity adminSecurity = clientSecurity(f, "admin-security");
                ClientSecurity querySecurity = clientSecurity(f, "query-security");
                f.rejectUnknown("a collector");
                names.add(f, i, name);
                indices.add(f, i, index);
                addresses.add(f, i, address);
                if (problems.size() == before && name != null && address != null) {
                    out.add(new CollectorSpec(name, index, address, mac, cmPort, mtu, admin, dataDir, query, adminSecurity,
                            querySecurity));
                }
            }
            return out;
        }

        // ---------------------------------------------------------------- stores

        private List<StoreSpec> stores(Fields top, Map<String, CollectorSpec> collectors) {
            List<ConfigNode> items = top.list("stores", true);
            if (items.isEmpty() && top.has("stores")) {
                top.problem("stores", "the list is empty; a deployment needs at least one store");
            }
            List<StoreSpec> out = new ArrayList<>();
            Unique<String> names = new Unique<>("stores", "name", "store names must be unique");
            Unique<Integer> ids = new Unique<>("stores", "id", "store ids must be unique in a deployment (reports name stores by id)");
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, "stores[" + i + "]", items.get(i), problems);
                int before = problems.size();
                String name = f.string("name", null, "a store name (as in the collectors' configuration)");
                if (name != null && (!STORE_NAME.matcher(name).matches()
                        || name.getBytes(StandardCharsets.UTF_8).length > StoreDefinition.NAME_BYTES)) {
                    f.problem("name", "must be 1.." + StoreDefinition.NAME_BYTES + " bytes of letters, digits, '.', '_' or '-', "
                            + "as in the collectors' configuration, got \"" + name + "\"");
                }
                Integer id = f.integer("id", null, 1, 65535);
                String kindName = f.has("kind") ? f.choice("kind", null, KINDS) : null;
                StoreKind kind = kindName == null ? null : StoreKind.ofConfigName(kindName);
                List<String> members = nameList(f, "collectors", collectorNames, List.copyOf(collectors.keySet()), "collector");
                List<String> buckets = buckets(f, members);
                int batch = f.integer("append-batch", 1, 1, 16);
                if (Integer.bitCount(batch) != 1) {
                    f.problem("append-batch", "must be 1, 2, 4, 8 or 16 entries per RDMA WRITE, got " + batch);
                }
                if (kind != null && kind != StoreKind.APPEND && f.has("append-batch")) {
                    f.problem("append-batch", "only Append stores batch; this is a " + kind.configName() + " store: remove the field");
                }
                Integer tailBase = null;
                if (f.has("tail-base")) {
                    tailBase = f.integer("tail-base", 0, 0, TAIL_REGISTERS - 1);
                    if (kind != null && kind != StoreKind.APPEND) {
                        f.problem("tail-base", "only Append stores have tails; this is a " + kind.configName() + " store: remove the field");
                    }
                }
                f.rejectUnknown("a store");
                names.add(f, i, name);
                ids.add(f, i, id);
                if (problems.size() == before && name != null && id != null && buckets != null) {
                    out.add(new StoreSpec(name, id, kind, members, buckets, f.has("buckets"), batch, tailBase));
                }
            }
            return out;
        }

        /**
         * The bucket map: absent = {@code bucket mod n} over the store's collectors; a list of 256
         * collector names; or a mapping of bucket ranges ({@code "0-127": c1}) covering all 256.
         */
        private List<String> buckets(Fields f, List<String> members) {
            ConfigNode node = f.node("buckets");
            String[] map = new String[BucketMap.BUCKETS];
            if (node == null || node instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL) {
                if (members.isEmpty()) {
                    return null;
                }
                for (int b = 0; b < map.length; b++) {
                    map[b] = members.get(b % members.size());
                }
                return Arrays.asList(map);
            }
            String field = f.field("buckets");
            boolean ok = true;
            if (node instanceof ConfigNode.Sequence seq) {
                if (seq.items().size() != BucketMap.BUCKETS) {
                    f.problem("buckets", "a list bucket map names exactly 256 collectors (bucket 0 first), got "
                            + seq.items().size() + " entries; or use ranges like \"0-127\": c1");
                    return null;
                }
                for (int b = 0; b < map.length; b++) {
                    ConfigNode item = seq.items().get(b);
                    String n = bucketTarget(item, field + "[" + b + "]", members);
                    ok &= n != null;
                    map[b] = n;
                }
            } else if (node instanceof ConfigNode.Mapping m) {
                for (ConfigNode.Entry e : m.entries().values()) {
                    String where = field + "." + e.key();
                    Matcher r = BUCKET_RANGE.matcher(e.key().strip());
                    int lo = -1;
                    int hi = -1;
                    if (r.matches()) {
                        lo = Integer.parseInt(r.group(1));
                        hi = r.group(2) == null ? lo : Integer.parseInt(r.group(2));
                    }
                    if (lo < 0 || hi > 255 || lo > hi) {
                        problems.add(new ConfigProblem(file, e.keyLine(), e.keyColumn(), where,
                                "must be a bucket (0..255) or a range of buckets like \"0-127\", got \"" + e.key() + "\""));
                        ok = false;
                        continue;
                    }
                    String n = bucketTarget(e.value(), where, members);
                    if (n == null) {
                        ok = false;
                        continue;
                    }
                    for (int b = lo; b <= hi; b++) {
                        if (map[b] != null) {
                            problems.add(new ConfigProblem(file, e.keyLine(), e.keyColumn(), where,
                                    "bucket " + b + " is already mapped (to " + map[b] + "); each bucket goes to one collector"));
                            ok = false;
                            break;
                        }
                        map[b] = n;
                    }
                }
                if (ok) {
                    List<String> missing = missingRanges(map);
                    if (!missing.isEmpty()) {
                        f.problem("buckets", "buckets " + String.join(", ", missing) + " are not mapped: every bucket needs a "
                                + "collector (reports in an unmapped bucket would be dropped); add them");
                        ok = false;
                    }
                }
            } else {
                f.problem("buckets", "expected a mapping of bucket ranges to collectors (\"0-127\": c1) or a list of 256 "
                        + "collector names, got " + node.describe());
                return null;
            }
            return ok ? Arrays.asList(map) : null;
        }

        private String bucketTarget(ConfigNode value, String where, List<String> members) {
            if (!(value instanceof ConfigNode.Scalar s) || s.type() == ConfigNode.Scalar.Type.NULL) {
                problems.add(new ConfigProblem(file, value.line(), value.column(), where, "expected a collector name, got " + value.describe()));
                return null;
            }
            String n = s.text();
            if (!collectorNames.contains(n)) {
                problems.add(new ConfigProblem(file, s.line(), s.column(), where, "no collector named \"" + n + "\"" + hint(collectorNames)));
                return null;
            }
            if (!members.contains(n)) {
                problems.add(new ConfigProblem(file, s.line(), s.column(), where, "collector " + n
                        + " does not hold this store (its collectors are " + String.join(", ", members) + "); add it to the store's collectors"));
                return null;
            }
            return n;
        }

        private static List<String> missingRanges(String[] map) {
            List<String> out = new ArrayList<>();
            int b = 0;
            while (b < map.length) {
                if (map[b] != null) {
                    b++;
                    continue;
                }
                int start = b;
                while (b < map.length && map[b] == null) {
                    b++;
                }
                out.add(start == b - 1 ? Integer.toString(start) : start + "-" + (b - 1));
            }
            return out;
        }

        // ---------------------------------------------------------------- translators

        private List<TranslatorSpec> translators(Fields top, Map<String, CollectorSpec> collectors) {
            List<ConfigNode> items = top.list("translators", false);
            List<TranslatorSpec> out = new ArrayList<>();
            Unique<String> names = new Unique<>("translators", "name", "translator names must be unique");
            Unique<Integer> ids = new Unique<>("translators", "translator-id", "translator ids must be unique (collectors log them)");
            Unique<Integer> addresses = new Unique<>("translators", "address", "translator addresses must be unique");
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, "translators[" + i + "]", items.get(i), problems);
                int before = problems.size();
                SwitchEndpoint device = device(f);
                int translatorId = f.integer("translator-id", i + 1, 0, 65535);
                Integer address = ipv4(f, "address", null);
                long mac = mac(f, "mac", address == null ? 0 : Mac.ofIpv4(address));
                int reportPort = f.integer("report-port", DEFAULT_REPORT_PORT, 1, 65535);
                Pipeline pipeline = device == null ? null : device.pipeline();
                int cpuPort = f.integer("cpu-port", pipeline == null ? 255 : pipeline.defaultCpuPort(), 0, 511);
                int collectorPort = f.integer("collector-port", 1, 0, 511);
                int recirculationPort = f.integer("recirculation-port", pipeline == null ? 1 : pipeline.defaultRecirculationPort(), 1, 511);
                TranslatorSpec.Settings settings = settings(f.section("settings"));
                List<Route> routes = routes(f, address == null ? 0 : mac, true);
                List<String> members = nameList(f, "collectors", collectorNames, List.copyOf(collectors.keySet()), "collector");
                f.rejectUnknown("a translator");
                names.add(f, i, device == null ? null : device.name());
                ids.add(f, i, translatorId);
                addresses.add(f, i, address);
                if (problems.size() == before && device != null && address != null) {
                    out.add(new TranslatorSpec(device, translatorId,
                            address, mac, reportPort, cpuPort, collectorPort, recirculationPort, settings, routes, members));
                }
            }
            return out;
        }

        private TranslatorSpec.Settings settings(Fields f) {
            TranslatorSpec.Settings d = TranslatorSpec.Settings.DEFAULT;
            int ackLog2 = d.ackIntervalLog2();
            if (f.has("ack-interval")) {
                Integer v = f.integer("ack-interval", 1 << d.ackIntervalLog2(), 1, 1 << 23);
                if (Integer.bitCount(v) != 1) {
                    f.problem("ack-interval", "must be a power of two 1..2^23 (AckReq every that many packets), got " + v);
                } else {
                    ackLog2 = Integer.numberOfTrailingZeros(v);
                }
            }
            long flush = micros(f, "flush-interval", d.flushIntervalMicros(), 1, 0xFFFF_FFFFL);
            long probe = micros(f, "probe-interval", d.probeIntervalMillis() * 1000L, 1000, 0xFFFFL * 1000);
            if (probe % 1000 != 0) {
                f.problem("probe-interval", "must be whole milliseconds (the translator counts it in ms)");
            }
            f.rejectUnknown("translator settings");
            return new TranslatorSpec.Settings(ackLog2, flush, (int) (probe / 1000));
        }

        // ---------------------------------------------------------------- reporters

        private List<ReporterSpec> reporters(Fields top, Map<String, TranslatorSpec> translators, Map<String, StoreSpec> stores) {
            List<ConfigNode> items = top.list("reporters", false);
            List<ReporterSpec> out = new ArrayList<>();
            Unique<String> names = new Unique<>("reporters", "name", "reporter names must be unique");
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, "reporters[" + i + "]", items.get(i), problems);
                int before = problems.size();
                SwitchEndpoint device = device(f);
                long switchId = longInt(f, "switch-id", (long) i + 1, 0, 0xFFFF_FFFFL);
                Integer address = ipv4(f, "address", null);
                long mac = mac(f, "mac", address == null ? 0 : Mac.ofIpv4(address));
                String translatorName = f.string("translator", null, "the name of the translator its reports go to");
                TranslatorSpec translator = null;
                if (translatorName != null) {
                    translator = translators.get(translatorName);
                    if (translator == null) {
                        f.problem("translator", "no translator named \"" + translatorName + "\"" + hint(translators.keySet()));
                    }
                }
                int reportPort = f.integer("report-port", null, 0, 511);
                long nextHop = mac(f, "next-hop-mac", translator == null ? 0 : translator.mac());
                ReporterSpec.Events events = null;
                if (f.has("events")) {
                    Fields e = f.section("events");
                    String store = storeRef(e, "store", stores, StoreKind.APPEND, true);
                    long list = longInt(e, "list", 0L, 0, 0xFFFF_FFFFL);
                    long threshold = longInt(e, "congestion-threshold", 0L, 0, 0xFFFF_FFFFL);
                    e.rejectUnknown("reporter events");
                    events = new ReporterSpec.Events(store, list, threshold);
                }
                List<Route> routes = routes(f, address == null ? 0 : mac, false);
                List<ReporterSpec.Flow> flows = flows(f, stores);
                f.rejectUnknown("a reporter");
                names.add(f, i, device == null ? null : device.name());
                if (problems.size() == before && device != null && address != null && translator != null) {
                    out.add(new ReporterSpec(device, switchId, address,
                            mac, translatorName, reportPort, nextHop, events, routes, flows));
                }
            }
            return out;
        }

        private List<ReporterSpec.Flow> flows(Fields parent, Map<String, StoreSpec> stores) {
            List<ConfigNode> items = parent.list("flows", false);
            List<ReporterSpec.Flow> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, parent.field("flows") + "[" + i + "]", items.get(i), problems);
                int before = problems.size();
                Ipv4Prefix src = prefix(f, "src", null);
                Ipv4Prefix dst = prefix(f, "dst", null);
                Integer protocol = f.has("protocol") ? f.integer("protocol", 0, 0, 255) : null;
                Integer srcPort = f.has("src-port") ? f.integer("src-port", 0, 0, 65535) : null;
                Integer dstPort = f.has("dst-port") ? f.integer("dst-port", 0, 0, 65535) : null;
                int priority = f.integer("priority", items.size() - i, 1, 1_000_000);
                String postcard = null;
                int hop = 0;
                int pathLength = 0;
                if (f.has("postcard")) {
                    Fields p = f.section("postcard");
                    postcard = storeRef(p, "store", stores, StoreKind.POSTCARD, true);
                    hop = p.integer("hop", null, 0, 7);
                    pathLength = p.integer("path-length", 0, 0, 8);
                    if (pathLength != 0 && hop >= pathLength) {
                        p.problem("hop", "must be below path-length (" + pathLength + "), got " + hop);
                    }
                    p.rejectUnknown("a flow's postcard");
                }
                String queue = storeRef(f, "queue-depth", stores, StoreKind.KEY_WRITE, false);
                String bytes = storeRef(f, "bytes", stores, StoreKind.KEY_INCREMENT, false);
                int sample = f.integer("sample-log2", 0, 0, 31);
                if (postcard == null && queue == null && bytes == null && problems.size() == before) {
                    f.problem("postcard", "a flow rule reports something: give postcard, queue-depth or bytes");
                }
                f.rejectUnknown("a flow rule");
                if (problems.size() == before) {
                    out.add(new ReporterSpec.Flow(src, dst, protocol, srcPort, dstPort, priority, postcard, hop, pathLength, queue,
                            bytes, sample));
                }
            }
            return out;
        }

        private String storeRef(Fields f, String key, Map<String, StoreSpec> stores, StoreKind kind, boolean required) {
            if (!f.has(key)) {
                if (required) {
                    f.problem(key, "missing; expected the name of a " + kind.configName() + " store");
                }
                return null;
            }
            String n = f.string(key, null, "the name of a " + kind.configName() + " store");
            if (n == null) {
                return null;
            }
            StoreSpec s = stores.get(n);
            if (s == null) {
                f.problem(key, "no store named \"" + n + "\"" + hint(stores.keySet()));
                return null;
            }
            if (s.kind() != null && s.kind() != kind) {
                f.problem(key, "store " + n + " is a " + s.kind().configName() + " store; this needs a " + kind.configName() + " store");
                return null;
            }
            return n;
        }

        // ---------------------------------------------------------------- shared pieces

        /** A client-security section (tls-ca, tls-certificate, tls-private-key, token-file; docs/security.md). */
        private ClientSecurity clientSecurity(Fields f, String section) {
            Fields sec = f.section(section);
            ClientSecurity security = ClientSecurity.read(sec, baseDir);
            sec.rejectUnknown(section);
            return security;
        }

        /** The fields every switch has; null when one of them is missing or bad. */
        private SwitchEndpoint device(Fields f) {
            int before = problems.size();
            String name = name(f, "name", null);
            HostPort p4rt = hostPort(f, "p4runtime", null);
            long deviceId = longInt(f, "device-id", 1L, 0, Long.MAX_VALUE);
            long electionId = longInt(f, "election-id", 1L, 1, Long.MAX_VALUE);
            String p = f.choice("pipeline", "software", Pipeline.configNames());
            Pipeline pipeline = p == null ? null : Pipeline.ofConfigName(p);
            Path deviceConfig = deviceConfig(f, pipeline);
            Path p4info = existingFile(f, "p4info", "a P4Info text file");
            ClientSecurity security = clientSecurity(f, "p4runtime-security");
            if (problems.size() != before || name == null || p4rt == null || pipeline == null) {
                return null;
            }
            return new SwitchEndpoint(name, p4rt, deviceId, electionId, pipeline, deviceConfig, p4info, security);
        }

        private Path deviceConfig(Fields f, Pipeline pipeline) {
            Path p = existingFile(f, "device-config", "the compiled program (BMv2 JSON, Tofino binary)");
            if (p == null && pipeline != null && pipeline.needsDeviceConfig() && !f.has("device-config")) {
                f.problem("device-config", "missing; a " + pipeline.configName() + " pipeline needs its compiled program ("
                        + (pipeline == Pipeline.BMV2 ? "the BMv2 JSON of p4c-bm2-ss" : "the bf-p4c output") + "), see docs/p4.md");
            }
            return p;
        }

        private Path existingFile(Fields f, String key, String what) {
            if (!f.has(key)) {
                return null;
            }
            String text = f.string(key, null, what);
            if (text == null) {
                return null;
            }
            Path p = baseDir.resolve(text).normalize();
            if (!Files.isRegularFile(p)) {
                f.problem(key, "no such file: " + p + " (relative paths are relative to the deployment file's directory)");
                return null;
            }
            return p;
        }

        private List<Route> routes(Fields parent, long ownMac, boolean translator) {
            List<ConfigNode> items = parent.list("routes", false);
            List<Route> out = new ArrayList<>();
            Unique<String> prefixes = new Unique<>(parent.field("routes"), "prefix", "a prefix can have one route");
            List<String> actions = translator ? List.of("forward", "to-cpu", "drop") : List.of("forward", "drop");
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, parent.field("routes") + "[" + i + "]", items.get(i), problems);
                int before = problems.size();
                Ipv4Prefix prefix = prefix(f, "prefix", null);
                if (prefix == null && !f.has("prefix")) {
                    f.problem("prefix", "missing; expected an IPv4 prefix like 10.0.1.0/24");
                }
                Route.Action action = Route.Action.ofConfigName(f.choice("action", "forward", actions));
                int port = 0;
                long src = ownMac;
                long dst = 0;
                if (action == Route.Action.FORWARD) {
                    port = f.integer("port", null, 0, 511);
                    src = mac(f, "src-mac", ownMac);
                    if (!f.has("dst-mac")) {
                        f.problem("dst-mac", "missing; expected the next hop's MAC like 02:00:00:00:00:02");
                    }
                    dst = mac(f, "dst-mac", 0);
                }
                f.rejectUnknown("a route");
                if (prefix != null) {
                    prefixes.add(f, i, prefix.toString());
                }
                if (problems.size() == before && prefix != null && action != null) {
                    out.add(new Route(prefix, action, port, src, dst));
                }
            }
            return out;
        }

        private List<String> nameList(Fields f, String key, java.util.Collection<String> known, List<String> all, String what) {
            ConfigNode node = f.node(key);
            if (node == null || node instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.NULL) {
                return all;
            }
            if (!(node instanceof ConfigNode.Sequence seq)) {
                f.problem(key, "expected a list of " + what + " names like [c1, c2], got " + node.describe());
                return List.of();
            }
            if (seq.items().isEmpty()) {
                f.problem(key, "the list is empty; name at least one " + what + " (or leave the field out for all of them)");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                ConfigNode item = seq.items().get(i);
                String where = f.field(key) + "[" + i + "]";
                if (!(item instanceof ConfigNode.Scalar s) || s.type() == ConfigNode.Scalar.Type.NULL) {
                    problems.add(new ConfigProblem(file, item.line(), item.column(), where, "expected a " + what + " name, got " + item.describe()));
                    continue;
                }
                if (!known.contains(s.text())) {
                    problems.add(new ConfigProblem(file, s.line(), s.column(), where, "no " + what + " named \"" + s.text() + "\""
                            + hint(known)));
                    continue;
                }
                if (out.contains(s.text())) {
                    problems.add(new ConfigProblem(file, s.line(), s.column(), where, s.text() + " is listed twice; list each " + what + " once"));
                    continue;
                }
                out.add(s.text());
            }
            return out;
        }

        private String name(Fields f, String key, String defaultValue) {
            String n = f.string(key, defaultValue, "a name (" + NAME_RULE + ")");
            if (n != null && !NAME.matcher(n).matches()) {
                f.problem(key, "must be " + NAME_RULE + ", got \"" + n + "\"");
                return null;
            }
            return n;
        }

        /**
         * A scalar in some text form: absent gives the default (a problem when the default is null
         * and {@code required}); text the parser rejects (null) is a problem saying what is expected.
         */
        private <T> T parsed(Fields f, String key, T defaultValue, boolean required, String expected,
                             java.util.function.Function<String, T> parser) {
            if (!f.has(key)) {
                if (required) {
                    f.problem(key, "missing; expected " + expected);
                }
                return defaultValue;
            }
            String text = f.string(key, null, expected);
            T v = text == null ? null : parser.apply(text);
            if (v == null) {
                f.problem(key, "must be " + expected + ", got \"" + text + "\"");
                return defaultValue;
            }
            return v;
        }

        private Integer ipv4(Fields f, String key, Integer defaultValue) {
            return parsed(f, key, defaultValue, defaultValue == null, "an IPv4 address like 10.0.0.2", Ipv4s::parse);
        }

        private Ipv4Prefix prefix(Fields f, String key, Ipv4Prefix defaultValue) {
            return parsed(f, key, defaultValue, false, "an IPv4 prefix like 10.0.1.0/24 (host bits zero) or an address",
                    Ipv4Prefix::parse);
        }

        private long mac(Fields f, String key, long defaultValue) {
            return parsed(f, key, defaultValue, false, "a MAC address like 02:00:00:00:00:01", t -> {
                long v = Mac.parse(t);
                return v < 0 ? null : v;
            });
        }

        private HostPort hostPort(Fields f, String key, HostPort defaultValue) {
            boolean p4rt = key.equals("p4runtime");
            return parsed(f, key, defaultValue, defaultValue == null && p4rt,
                    p4rt ? "host:port of the switch's P4Runtime server, like 127.0.0.1:" + DEFAULT_P4RUNTIME_PORT
                            : "host:port with a port 0..65535, like 127.0.0.1:40042", HostPort::parse);
        }

        private long longInt(Fields f, String key, Long defaultValue, long min, long max) {
            ConfigNode n = f.node(key);
            String expected = "an integer " + min + ".." + max;
            if (n == null || n instanceof ConfigNode.Scalar s0 && s0.type() == ConfigNode.Scalar.Type.NULL) {
                if (defaultValue == null) {
                    f.problem(key, "missing; expected " + expected);
                    return min;
                }
                return defaultValue;
            }
            if (n instanceof ConfigNode.Scalar s && s.type() == ConfigNode.Scalar.Type.INTEGER) {
                try {
                    long v = Long.decode(s.text().replace("_", ""));
                    if (v >= min && v <= max) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    // falls through
                }
            }
            f.problem(key, "must be " + expected + ", got " + n.describe());
            return defaultValue == null ? min : defaultValue;
        }

        /** A duration with microsecond resolution: {@code 500us}, {@code 1ms}, {@code 2s}. */
        private long micros(Fields f, String key, long defaultValue, long min, long max) {
            ConfigNode n = f.node(key);
            if (n == null || n instanceof ConfigNode.Scalar s0 && s0.type() == ConfigNode.Scalar.Type.NULL) {
                return defaultValue;
            }
            String expected = "a duration like 500us, 1ms or 2s, between " + fmtMicros(min) + " and " + fmtMicros(max);
            if (n instanceof ConfigNode.Scalar s) {
                Matcher m = MICROS.matcher(s.text().strip());
                if (m.matches()) {
                    long v = Long.parseLong(m.group(1)) * switch (m.group(2)) {
                        case "ms" -> 1000L;
                        case "s" -> 1_000_000L;
                        default -> 1L;
                    };
                    if (v >= min && v <= max) {
                        return v;
                    }
                }
            }
            f.problem(key, "must be " + expected + ", got " + n.describe());
            return defaultValue;
        }

        private static String fmtMicros(long us) {
            return us % 1_000_000 == 0 ? us / 1_000_000 + "s" : us % 1000 == 0 ? us / 1000 + "ms" : us + "us";
        }

        private void switchEndpointsUnique(Fields top, List<TranslatorSpec> translators, List<ReporterSpec> reporters) {
            Map<String, String> seen = new HashMap<>();
            for (int i = 0; i < translators.size(); i++) {
                TranslatorSpec t = translators.get(i);
                String key = t.device().p4runtime() + "#" + t.device().deviceId();
                String first = seen.putIfAbsent(key, "translator " + t.name());
                if (first != null) {
                    top.problem("translators", first + " and translator " + t.name() + " are the same device (" + t.device().p4runtime()
                            + ", device id " + t.device().deviceId() + "); give each switch its own p4runtime address or device-id");
                }
            }
            for (ReporterSpec r : reporters) {
                String key = r.device().p4runtime() + "#" + r.device().deviceId();
                String first = seen.putIfAbsent(key, "reporter " + r.name());
                if (first != null) {
                    top.problem("reporters", first + " and reporter " + r.name() + " are the same device (" + r.device().p4runtime()
                            + ", device id " + r.device().deviceId() + "); give each switch its own p4runtime address or device-id");
                }
            }
        }

        private static String hint(java.util.Collection<String> names) {
            return names.isEmpty() ? " (there are none)" : "; the names are: " + String.join(", ", names);
        }

        /** Detects a value that repeats an earlier item's, naming both. */
        private final class Unique<T> {
            private final String list;
            private final String key;
            private final String rule;
            private final Map<T, Integer> first = new HashMap<>();

            Unique(String list, String key, String rule) {
                this.list = list;
                this.key = key;
                this.rule = rule;
            }

            void add(Fields f, int index, T value) {
                if (value == null) {
                    return;
                }
                Integer at = first.putIfAbsent(value, index);
                if (at != null) {
                    String shown = value instanceof Integer v && key.equals("address") ? Ipv4s.format(v) : String.valueOf(value);
                    f.problem(key, shown + " is already the " + key + " of " + list + "[" + at + "]; " + rule);
                }
            }
        }
    }
}
