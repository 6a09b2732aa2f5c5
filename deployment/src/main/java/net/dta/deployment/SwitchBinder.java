package net.dta.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.security.ClientSecurity;

/** The fields every switch entry has, translator or reporter: its P4Runtime endpoint and its routes. */
final class SwitchBinder {
    private final Binding binding;

    SwitchBinder(Binding binding) {
        this.binding = binding;
    }

    /** Name, P4Runtime endpoint, ids and pipeline; null when one of them is missing or bad. */
    SwitchEndpoint device(Fields f) {
        int before = binding.problemCount();
        String name = f.name("name", null);
        HostPort p4rt = f.parsed("p4runtime", null, true,
                "host:port of the switch's P4Runtime server, like 127.0.0.1:" + DeploymentLoader.DEFAULT_P4RUNTIME_PORT, HostPort::parse);
        long deviceId = f.longInteger("device-id", 1L, 0, Long.MAX_VALUE);
        long electionId = f.longInteger("election-id", 1L, 1, Long.MAX_VALUE);
        String p = f.choice("pipeline", "software", Pipeline.configNames());
        Pipeline pipeline = p == null ? null : Pipeline.ofConfigName(p);
        Path deviceConfig = deviceConfig(f, pipeline);
        Path p4info = binding.existingFile(f, "p4info", "a P4Info text file");
        ClientSecurity security = binding.clientSecurity(f, "p4runtime-security");
        if (binding.problemCount() != before || name == null || p4rt == null || pipeline == null) {
            return null;
        }
        return new SwitchEndpoint(name, p4rt, deviceId, electionId, pipeline, deviceConfig, p4info, security);
    }

    private Path deviceConfig(Fields f, Pipeline pipeline) {
        Path p = binding.existingFile(f, "device-config", "the compiled program (BMv2 JSON, Tofino binary)");
        if (p == null && pipeline != null && pipeline.needsDeviceConfig() && !f.has("device-config")) {
            f.problem("device-config", "missing; a " + pipeline.configName() + " pipeline needs its compiled program ("
                    + (pipeline == Pipeline.BMV2 ? "the BMv2 JSON of p4c-bm2-ss" : "the bf-p4c output") + "), see docs/p4.md");
        }
        return p;
    }

    /** The switch's {@code routes}; a translator may also send a prefix to its CPU. */
    List<Route> routes(Fields parent, long ownMac, boolean translator) {
        List<ConfigNode> items = parent.list("routes", false);
        List<Route> out = new ArrayList<>();
        Unique<String> prefixes = new Unique<>(parent.field("routes"), "prefix", "a prefix can have one route");
        List<String> actions = translator ? List.of("forward", "to-cpu", "drop") : List.of("forward", "drop");
        for (int i = 0; i < items.size(); i++) {
            Fields f = binding.fields(parent.field("routes") + "[" + i + "]", items.get(i));
            int before = binding.problemCount();
            Ipv4Prefix prefix = prefix(f, "prefix");
            if (prefix == null && !f.has("prefix")) {
                f.problem("prefix", "missing; expected an IPv4 prefix like 10.0.1.0/24");
            }
            Route.Action action = Route.Action.ofConfigName(f.choice("action", "forward", actions));
            int port = 0;
            long src = ownMac;
            long dst = 0;
            if (action == Route.Action.FORWARD) {
                port = f.integer("port", null, 0, 511);
                src = f.mac("src-mac", ownMac, "02:00:00:00:00:01");
                if (!f.has("dst-mac")) {
                    f.problem("dst-mac", "missing; expected the next hop's MAC like 02:00:00:00:00:02");
                }
                dst = f.mac("dst-mac", 0, "02:00:00:00:00:01");
            }
            f.rejectUnknown("a route");
            if (prefix != null) {
                prefixes.add(f, i, prefix.toString());
            }
            if (binding.problemCount() == before && prefix != null && action != null) {
                out.add(new Route(prefix, action, port, src, dst));
            }
        }
        return out;
    }

    /** An optional IPv4 prefix field ({@link Ipv4Prefix#parse}). */
    static Ipv4Prefix prefix(Fields f, String key) {
        return f.parsed(key, null, false, "an IPv4 prefix like 10.0.1.0/24 (host bits zero) or an address", Ipv4Prefix::parse);
    }
}
