package net.dta.collector.config;

import java.io.Reader;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import net.dta.collector.config.CollectorConfig.Admin;
import net.dta.collector.config.CollectorConfig.Network;
import net.dta.collector.config.CollectorConfig.QueuePairs;
import net.dta.collector.config.CollectorConfig.StoreConfig;
import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigFiles;
import net.dta.common.config.ConfigNode;
import net.dta.common.config.ConfigProblem;
import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.config.YamlTree;
import net.dta.common.admin.ControllerLink;
import net.dta.common.security.ServerSecurity;
import net.dta.protocol.auth.CmSecret;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.rdma.cm.CmPolicy;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.LayoutException;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;

/**
 * Reads and validates the collector's YAML configuration. Validation is complete before anything
 * touches the data directory: a bad file changes nothing. Every problem is reported with file,
 * line, column and field; unknown fields are errors.
 */
public final class ConfigLoader {
    private static final List<String> KINDS = List.of("key-write", "key-increment", "postcard", "append", "sketch");
    /** A store is at most 16 segments of 2 GiB (catalog entries hold 16 rkeys, protocol.md 7.4). */
    /** What the state map is sized for (two entries per store). */
    public static final int MAX_STORES = 16384;
    static final long MAX_STORE_BYTES = (long) CatalogEntry.MAX_SEGMENTS << CatalogEntry.LOG2_SEGMENT_BYTES;

    private ConfigLoader() {
    }

    public static CollectorConfig load(Path file) throws ConfigException {
        return ConfigFiles.load(file, ConfigLoader::parse);
    }

    /** Parses text named {@code fileName} in messages; relative paths resolve against baseDir. */
    public static CollectorConfig parse(String fileName, Reader text, Path baseDir, Path source) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigNode root = new YamlTree(fileName, problems).parse(text);
        if (root == null) {
            throw new ConfigException(problems);
        }
        CollectorConfig config = new Binder(fileName, baseDir, problems).bind(root, source);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** Maps the located tree to a {@link CollectorConfig}, collecting problems. */
    private static final class Binder {
        private final String file;
        private final Path baseDir;
        private final List<ConfigProblem> problems;

        Binder(String file, Path baseDir, List<ConfigProblem> problems) {
            this.file = file;
            this.baseDir = baseDir;
            this.problems = problems;
        }

        CollectorConfig bind(ConfigNode root, Path source) {
            Fields top = Fields.of(file, "", root, problems);

            Fields collector = top.section("collector");
            String name = Objects.requireNonNullElse(collector.name("name", "collector"), "collector");
            collector.rejectUnknown("collector");

            Network network = network(top.section("network"));
            String dataDir = top.string("data-dir", "data/" + name, "a directory path");
            Admin admin = admin(top.section("admin"));
            QueuePairs queuePairs = queuePairs(top.section("queue-pairs"));
            ControllerLink controller = ControllerLink.read(top.section("controller"), baseDir);
            List<StoreConfig> stores = stores(top, network.countersLittleEndian());
            CollectorConfig.Cm cm = cm(top.section("cm"));
            top.rejectUnknown("the top level");
            return new CollectorConfig(source, name, network, baseDir.resolve(dataDir).normalize(), admin, queuePairs, stores, cm,
                    controller);
        }

        private Network network(Fields f) {
            Inet4Address address = f.ipv4("address", "127.0.0.1", "10.0.0.2");
            int rocePort = f.integer("roce-port", CollectorConfig.DEFAULT_ROCE_PORT, 1, 65535);
            int cmPort = f.integer("cm-port", CollectorConfig.DEFAULT_CM_PORT, 1, 65535);
            IngestMode ingest = IngestMode.ofConfigName(f.choice("ingest", "udp", IngestMode.configNames()));
            int mtu = f.integer("path-mtu", CollectorConfig.DEFAULT_PATH_MTU, 256, 4096);
            if (Integer.bitCount(mtu) != 1) {
                f.problem("path-mtu", "must be 256, 512, 1024, 2048 or 4096 (an InfiniBand MTU), got " + mtu);
            }
            String order = f.choice("atomic-byte-order", "big-endian", List.of("big-endian", "little-endian"));
            int threads = f.integer("threads", Network.defaultThreads(), 1, net.dta.rdma.soft.SoftRoceConfig.MAX_THREADS);
            f.rejectUnknown("network");
            return new Network(address, rocePort, cmPort, ingest, mtu, order.equals("little-endian"), threads);
        }

        private Admin admin(Fields f) {
            boolean enabled = f.bool("enabled", true);
            HostPort address = f.hostPort("address", "127.0.0.1:" + CollectorConfig.DEFAULT_ADMIN_PORT);
            ServerSecurity security = ServerSecurity.read(f, baseDir);
            f.rejectUnknown("admin");
            return new Admin(enabled, address.host(), address.port(), security);
        }

        /** The {@code cm} section: the deployment's secret (required) and the connection limits. */
        private CollectorConfig.Cm cm(Fields f) {
            String file = f.string("secret-file", "", "a file path");
            Duration window = f.duration("replay-window", Duration.ofMillis(CmPolicy.DEFAULT_REPLAY_WINDOW_MILLIS),
                    Duration.ofSeconds(1), Duration.ofMinutes(10));
            int total = f.integer("max-queue-pairs", CmPolicy.DEFAULT_MAX_QUEUE_PAIRS, 1, 1 << 20);
            int perSource = f.integer("max-queue-pairs-per-source", CmPolicy.DEFAULT_MAX_QUEUE_PAIRS_PER_SOURCE, 1, 1 << 20);
            int rate = f.integer("requests-per-second", CmPolicy.DEFAULT_REQUESTS_PER_SECOND, 1, 1_000_000);
            int ratePerSource = f.integer("requests-per-second-per-source", CmPolicy.DEFAULT_REQUESTS_PER_SECOND_PER_SOURCE, 1,
                    1_000_000);
            int rejects = f.integer("rejects-per-second", CmPolicy.DEFAULT_REJECTS_PER_SECOND, 0, 1_000_000);
            f.rejectUnknown("cm");
            if (perSource > total) {
                f.problem("max-queue-pairs-per-source", "must be at most max-queue-pairs (" + total + "), got " + perSource);
                perSource = total;
            }
            if (file.isEmpty()) {
                f.problem("secret-file", "missing: every collector needs the deployment's RDMA CM secret, the file the "
                        + "controller's controller.cm.secret-file names (docs/security.md); make one with "
                        + CmSecret.HOW_TO_GENERATE.replace("FILE", "cm.secret"));
                return null;
            }
            Path path = baseDir.resolve(file).normalize();
            try {
                byte[] secret = CmSecret.load(path, f.field("secret-file"));
                return new CollectorConfig.Cm(path, new CmPolicy(secret, window.toMillis(), total, perSource, rate, ratePerSource,
                        rejects));
            } catch (IllegalArgumentException e) {
                f.problem("secret-file", e.getMessage().substring(e.getMessage().indexOf(':') + 2));
                return null;
            }
        }

        private QueuePairs queuePairs(Fields f) {
            boolean errorOnNak = f.bool("error-on-nak", true);
            boolean restore = f.bool("restore-on-restart", true);
            Duration interval = f.duration("persist-interval", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofHours(1));
            f.rejectUnknown("queue-pairs");
            return new QueuePairs(errorOnNak, restore, interval);
        }

        private List<StoreConfig> stores(Fields top, boolean countersLittleEndian) {
            List<ConfigNode> items = top.list("stores", true);
            if (items.isEmpty() && top.has("stores")) {
                top.problem("stores", "the list is empty; a collector needs at least one store");
            }
            if (items.size() > MAX_STORES) {
                top.problem("stores", "a collector holds at most " + MAX_STORES + " stores, got " + items.size()
                        + "; spread them over several collectors");
            }
            List<StoreConfig> out = new ArrayList<>();
            Map<String, Integer> names = new HashMap<>();
            Map<Integer, Integer> ids = new HashMap<>();
            for (int i = 0; i < items.size(); i++) {
                Fields f = Fields.of(file, "stores[" + i + "]", items.get(i), problems);
                StoreConfig sc = store(f, items.get(i), countersLittleEndian);
                if (sc == null) {
                    continue;
                }
                Integer firstName = names.putIfAbsent(sc.name(), i);
                if (firstName != null) {
                    f.problem("name", "\"" + sc.name() + "\" is already the name of stores[" + firstName + "]; store names must be unique (they name files)");
                }
                Integer firstId = ids.putIfAbsent(sc.definition().storeId(), i);
                if (firstId != null) {
                    f.problem("id", sc.definition().storeId() + " is already the id of stores[" + firstId + "]; store ids must be unique");
                }
                out.add(sc);
            }
            return out;
        }

        private StoreConfig store(Fields f, ConfigNode node, boolean countersLittleEndian) {
            int before = problems.size();
            String name = f.string("name", null, "a store name (letters, digits, '.', '_', '-'; at most 24 bytes)");
            if (name != null && !StoreDefinition.isValidName(name)) {
                f.problem("name", "must be 1.." + StoreDefinition.NAME_BYTES + " bytes of letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit (it names the store's file), got \"" + name + "\"");
            }
            Integer id = f.integer("id", null, 1, 65535);
            String kindName = f.choice("kind", null, KINDS);
            StoreKind kind = kindName == null ? null : StoreKind.ofConfigName(kindName);
            StoreLayout layout = kind == null ? null : layout(f, kind);
            if (kind != null) {
                // Without a valid kind, which fields belong here is unknown: the kind error says enough.
                f.rejectUnknown("a " + kind.configName() + " store");
            }
            if (problems.size() != before || name == null || id == null || layout == null) {
                return null;
            }
            if (layout.dataLength() > MAX_STORE_BYTES) {
                f.problem("name", "this store would take " + layout.dataLength() + " bytes; a store is at most "
                        + MAX_STORE_BYTES + " bytes (16 segments of 2 GiB): make it smaller");
                return null;
            }
            // The NIC's atomic byte order only concerns the stores it adds into.
            boolean littleEndian = countersLittleEndian && (kind == StoreKind.KEY_INCREMENT || kind == StoreKind.SKETCH);
            try {
                return new StoreConfig(new StoreDefinition(id, name, layout, littleEndian), node.line(), node.column());
            } catch (LayoutException e) {
                f.problem(e.field(), e.getMessage().substring(e.field().length() + 2));
                return null;
            }
        }

        private StoreLayout layout(Fields f, StoreKind kind) {
            try {
                return switch (kind) {
                    case KEY_WRITE -> {
                        Integer log2 = f.powerOfTwo("slots", "log2-slots", 1, 29, true);
                        Integer value = f.integer("value-bytes", 4, 4, 28);
                        boolean valueOk = value == 4 || value == 12 || value == 28;
                        if (!valueOk) {
                            f.problem("value-bytes", "must be 4, 12 or 28 (slots of 8, 16 or 32 bytes), got " + value);
                        }
                        int redundancy = f.integer("redundancy", 2, 1, 8);
                        yield log2 == null || !valueOk ? null : KeyWriteLayout.forValueBytes(log2, value, redundancy);
                    }
                    case KEY_INCREMENT, SKETCH -> {
                        int rows = f.integer("rows", 2, 1, 8);
                        Integer log2 = f.powerOfTwo("columns", "log2-columns", 1, 29, true);
                        yield log2 == null ? null : new CounterLayout(kind, rows, log2);
                    }
                    case POSTCARD -> {
                        Integer log2 = f.powerOfTwo("rows", "log2-rows", 1, 29, true);
                        int hops = f.integer("hops", 5, 1, PostcardLayout.MAX_HOPS);
                        yield log2 == null ? null : new PostcardLayout(log2, hops);
                    }
                    case APPEND -> {
                        int lists = f.integer("lists", 1, 1, AppendLayout.MAX_LISTS);
                        Integer log2 = f.powerOfTwo("entries-per-list", "log2-entries-per-list", 4, 29, true);
                        yield log2 == null ? null : new AppendLayout(lists, log2);
                    }
                };
            } catch (LayoutException e) {
                f.problem(e.field(), e.getMessage().substring(e.field().length() + 2));
                return null;
            }
        }
    }
}
