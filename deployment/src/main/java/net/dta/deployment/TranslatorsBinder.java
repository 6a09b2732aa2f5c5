package net.dta.deployment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;

/** The {@code translators} list: each translator switch, its ports, settings, routes and collectors. */
final class TranslatorsBinder {
    private final Binding binding;
    private final Names names;
    private final SwitchBinder switches;
    private final Set<String> collectorNames;

    /** @param collectorNames every collector name declared (valid entry or not) */
    TranslatorsBinder(Binding binding, Names names, SwitchBinder switches, Set<String> collectorNames) {
        this.binding = binding;
        this.names = names;
        this.switches = switches;
        this.collectorNames = collectorNames;
    }

    /** @param collectors the names of the valid collectors, in file order */
    List<TranslatorSpec> bind(Fields top, List<String> collectors) {
        List<ConfigNode> items = top.list("translators", false);
        List<TranslatorSpec> out = new ArrayList<>();
        Unique<String> uniqueNames = new Unique<>("translators", "name", "translator names must be unique");
        Unique<Integer> ids = new Unique<>("translators", "translator-id", "translator ids must be unique (collectors log them)");
        Unique<Integer> addresses = new Unique<>("translators", "address", "translator addresses must be unique");
        for (int i = 0; i < items.size(); i++) {
            Fields f = binding.fields("translators[" + i + "]", items.get(i));
            int before = binding.problemCount();
            SwitchEndpoint device = switches.device(f);
            int translatorId = f.integer("translator-id", i + 1, 0, 65535);
            Integer address = f.ipv4Int("address", null, "10.0.0.2");
            long mac = f.mac("mac", address == null ? 0 : Mac.ofIpv4(address), "02:00:00:00:00:01");
            int reportPort = f.integer("report-port", DeploymentLoader.DEFAULT_REPORT_PORT, 1, 65535);
            Pipeline pipeline = device == null ? null : device.pipeline();
            int cpuPort = f.integer("cpu-port", pipeline == null ? 255 : pipeline.defaultCpuPort(), 0, 511);
            int collectorPort = f.integer("collector-port", 1, 0, 511);
            int recirculationPort = f.integer("recirculation-port", pipeline == null ? 1 : pipeline.defaultRecirculationPort(), 1, 511);
            TranslatorSpec.Settings settings = settings(f.section("settings"));
            List<Route> routes = switches.routes(f, address == null ? 0 : mac, true);
            List<String> members = names.list(f, "collectors", collectorNames, collectors, "collector");
            f.rejectUnknown("a translator");
            uniqueNames.add(f, i, device == null ? null : device.name());
            ids.add(f, i, translatorId);
            addresses.add(f, i, address);
            if (binding.problemCount() == before && device != null && address != null) {
                out.add(new TranslatorSpec(device, translatorId,
                        address, mac, reportPort, cpuPort, collectorPort, recirculationPort, settings, routes, members));
            }
        }
        return out;
    }

    private static TranslatorSpec.Settings settings(Fields f) {
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

    /** A duration field in whole microseconds (the unit of the translator's registers). */
    private static long micros(Fields f, String key, long defaultValue, long min, long max) {
        Duration d = f.duration(key, Duration.ofNanos(defaultValue * 1000), Duration.ofNanos(min * 1000), Duration.ofNanos(max * 1000));
        return d.toNanos() / 1000;
    }
}
