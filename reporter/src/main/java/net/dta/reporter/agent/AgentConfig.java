package net.dta.reporter.agent;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import net.dta.packetio.Ipv4;

/**
 * The reporter agent's configuration (docs/reporter.md "Agent"): what a P4 reporter switch gets
 * from the controller (docs/p4.md "Reporter": switch id, translator, flow rules, events, routes),
 * with store ids instead of names, read from one YAML (or JSON) file.
 *
 * @param name shown in status and logs
 * @param switchId carried in postcards and events (8 bits in events, like the P4 reporter's)
 * @param address the router's own address: source of its reports
 * @param translator {@code host[:port]} of the translator's report port
 * @param routes prefixes the router has a route for; a packet it receives for none of them is a drop event
 * @param flows flow rules, first match wins
 * @param events Append events, or null for none
 * @param queueDropInterval milliseconds between two reads of the qdiscs' drop counters
 * @param admin {@code host:port} of the admin endpoint (status, metrics), or null for none
 */
public record AgentConfig(String name, long switchId, String address, String translator, List<String> routes,
                          List<FlowRule> flows, Events events, Integer queueDropInterval, String admin) {
    public static final int DEFAULT_QUEUE_DROP_INTERVAL_MS = 500;

    /** A flow rule: prefixes and optional protocol and ports to match; store ids (0 or null: not reported). */
    public record FlowRule(String src, String dst, Integer protocol, Integer srcPort, Integer dstPort,
                           Postcard postcard, Integer queueDepth, Integer bytes) {
    }

    public record Postcard(int store, int hop, int pathLength) {
    }

    /** Drop and congestion events; {@code congestionThreshold} 0: no congestion events. */
    public record Events(int store, long list, Integer congestionThreshold) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Reads and checks the file; problems throw {@link IllegalArgumentException} naming the file and field. */
    public static AgentConfig load(File file) {
        AgentConfig c;
        try {
            c = YAML.readValue(file, AgentConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown field '" + e.getPropertyName() + "' at " + e.getPathReference()
                    + "; known: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (c.name == null || c.name.isBlank()) {
            problems.add("name: required");
        }
        if (c.switchId < 1 || c.switchId > 255) {
            problems.add("switch-id: " + c.switchId + " is not 1..255 (events carry 8 bits of it)");
        }
        check(problems, "address", c.address, false);
        if (c.translator == null) {
            problems.add("translator: required (host[:port] of the translator's report port)");
        }
        for (int i = 0; c.routes != null && i < c.routes.size(); i++) {
            check(problems, "routes[" + i + "]", c.routes.get(i), true);
        }
        for (int i = 0; c.flows != null && i < c.flows.size(); i++) {
            FlowRule f = c.flows.get(i);
            check(problems, "flows[" + i + "].src", f.src == null ? "0.0.0.0/0" : f.src, true);
            check(problems, "flows[" + i + "].dst", f.dst == null ? "0.0.0.0/0" : f.dst, true);
            if (f.postcard != null && (f.postcard.pathLength < 0 || f.postcard.pathLength > 8
                    || f.postcard.hop < 0 || (f.postcard.pathLength > 0 && f.postcard.hop >= f.postcard.pathLength))) {
                problems.add("flows[" + i + "].postcard: hop " + f.postcard.hop + " of path-length " + f.postcard.pathLength
                        + " (path-length 0..8, hop below it)");
            }
        }
        if (c.admin != null && !c.admin.matches("[^:]+:\\d{1,5}")) {
            problems.add("admin: '" + c.admin + "' is not host:port (e.g. 127.0.0.1:40250)");
        }
        if (c.queueDropInterval != null && c.queueDropInterval < 10) {
            problems.add("queue-drop-interval: " + c.queueDropInterval + " ms; at least 10");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
        }
        return c;
    }

    private static void check(List<String> problems, String field, String value, boolean prefix) {
        if (value == null) {
            problems.add(field + ": required");
            return;
        }
        try {
            Prefix.parse(prefix ? value : value + "/32");
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
        }
    }

    int address32() {
        return Ipv4.parse(address);
    }

    List<FlowRule> flowRules() {
        return flows == null ? List.of() : flows;
    }

    List<String> routePrefixes() {
        return routes == null ? List.of() : routes;
    }

    int queueDropIntervalMillis() {
        return queueDropInterval == null ? DEFAULT_QUEUE_DROP_INTERVAL_MS : queueDropInterval;
    }
}
