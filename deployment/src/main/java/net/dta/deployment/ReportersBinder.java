package net.dta.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;
import net.dta.protocol.layout.StoreKind;

/** The {@code reporters} list: each reporting switch, the translator it reports to, its events and flow rules. */
final class ReportersBinder {
    private final Binding binding;
    private final SwitchBinder switches;

    ReportersBinder(Binding binding, SwitchBinder switches) {
        this.binding = binding;
        this.switches = switches;
    }

    List<ReporterSpec> bind(Fields top, Map<String, TranslatorSpec> translators, Map<String, StoreSpec> stores) {
        List<ConfigNode> items = top.list("reporters", false);
        List<ReporterSpec> out = new ArrayList<>();
        Unique<String> names = new Unique<>("reporters", "name", "reporter names must be unique");
        for (int i = 0; i < items.size(); i++) {
            Fields f = binding.fields("reporters[" + i + "]", items.get(i));
            int before = binding.problemCount();
            SwitchEndpoint device = switches.device(f);
            long switchId = f.longInteger("switch-id", (long) i + 1, 0, 0xFFFF_FFFFL);
            Integer address = f.ipv4Int("address", null, "10.0.0.2");
            long mac = f.mac("mac", address == null ? 0 : Mac.ofIpv4(address), "02:00:00:00:00:01");
            String translatorName = f.string("translator", null, "the name of the translator its reports go to");
            TranslatorSpec translator = null;
            if (translatorName != null) {
                translator = translators.get(translatorName);
                if (translator == null) {
                    f.problem("translator", "no translator named \"" + translatorName + "\"" + Binding.hint(translators.keySet()));
                }
            }
            int reportPort = f.integer("report-port", null, 0, 511);
            long nextHop = f.mac("next-hop-mac", translator == null ? 0 : translator.mac(), "02:00:00:00:00:01");
            ReporterSpec.Events events = null;
            if (f.has("events")) {
                Fields e = f.section("events");
                String store = storeRef(e, "store", stores, StoreKind.APPEND, true);
                long list = e.longInteger("list", 0L, 0, 0xFFFF_FFFFL);
                long threshold = e.longInteger("congestion-threshold", 0L, 0, 0xFFFF_FFFFL);
                e.rejectUnknown("reporter events");
                events = new ReporterSpec.Events(store, list, threshold);
            }
            List<Route> routes = switches.routes(f, address == null ? 0 : mac, false);
            List<ReporterSpec.Flow> flows = flows(f, stores);
            f.rejectUnknown("a reporter");
            names.add(f, i, device == null ? null : device.name());
            if (binding.problemCount() == before && device != null && address != null && translator != null) {
                out.add(new ReporterSpec(device, switchId, address, mac, translatorName, reportPort, nextHop, events, routes, flows));
            }
        }
        return out;
    }

    /** A reporter's {@code flows}: which traffic it reports, and into which stores. */
    private List<ReporterSpec.Flow> flows(Fields parent, Map<String, StoreSpec> stores) {
        List<ConfigNode> items = parent.list("flows", false);
        List<ReporterSpec.Flow> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Fields f = binding.fields(parent.field("flows") + "[" + i + "]", items.get(i));
            int before = binding.problemCount();
            Ipv4Prefix src = SwitchBinder.prefix(f, "src");
            Ipv4Prefix dst = SwitchBinder.prefix(f, "dst");
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
            if (postcard == null && queue == null && bytes == null && binding.problemCount() == before) {
                f.problem("postcard", "a flow rule reports something: give postcard, queue-depth or bytes");
            }
            f.rejectUnknown("a flow rule");
            if (binding.problemCount() == before) {
                out.add(new ReporterSpec.Flow(src, dst, protocol, srcPort, dstPort, priority, postcard, hop, pathLength, queue, bytes, sample));
            }
        }
        return out;
    }

    /** The name of a store of the given kind; null when absent (a problem if required) or wrong. */
    private static String storeRef(Fields f, String key, Map<String, StoreSpec> stores, StoreKind kind, boolean required) {
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
            f.problem(key, "no store named \"" + n + "\"" + Binding.hint(stores.keySet()));
            return null;
        }
        if (s.kind() != null && s.kind() != kind) {
            f.problem(key, "store " + n + " is a " + s.kind().configName() + " store; this needs a " + kind.configName() + " store");
            return null;
        }
        return n;
    }
}
