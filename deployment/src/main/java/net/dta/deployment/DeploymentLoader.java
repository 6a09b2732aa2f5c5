package net.dta.deployment;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigFiles;
import net.dta.common.config.ConfigNode;
import net.dta.common.config.ConfigProblem;
import net.dta.common.config.Fields;
import net.dta.common.config.YamlTree;

/**
 * Reads and validates a deployment file. Every problem is collected (not only the first) and
 * names file, line, column, field and what is expected; unknown fields are errors; cross
 * references (collector names in stores and bucket maps, store names in reporters, translator
 * names) are checked. A file with problems yields no {@link Deployment}. One binder class per
 * section of the file; the scalar grammars (addresses, host:port, durations) are {@link Fields}'.
 */
public final class DeploymentLoader {
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
        Deployment d = bind(new Binding(fileName, baseDir, problems), root, source);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return d;
    }

    /** The sections in the order their cross references need: collectors, stores, translators, reporters. */
    private static Deployment bind(Binding binding, ConfigNode root, Path source) {
        Fields top = binding.fields("", root);
        Names names = new Names(binding);
        Fields dep = top.section("deployment");
        String name = dep.name("name", "dta");
        dep.rejectUnknown("deployment");
        ControllerSettings controller = new ControllerBinder(binding).bind(top.section("controller"));

        CollectorsBinder collectorsBinder = new CollectorsBinder(binding);
        List<CollectorSpec> collectors = collectorsBinder.bind(top);
        Set<String> collectorNames = collectorsBinder.declaredNames();
        List<String> validCollectors = collectors.stream().map(CollectorSpec::name).distinct().toList();
        List<StoreSpec> stores = new StoresBinder(binding, names, collectorNames).bind(top, validCollectors);
        Map<String, StoreSpec> storesByName = new LinkedHashMap<>();
        stores.forEach(s -> storesByName.put(s.name(), s));
        SwitchBinder switches = new SwitchBinder(binding);
        List<TranslatorSpec> translators = new TranslatorsBinder(binding, names, switches, collectorNames).bind(top, validCollectors);
        Map<String, TranslatorSpec> translatorsByName = new LinkedHashMap<>();
        translators.forEach(t -> translatorsByName.put(t.name(), t));
        List<ReporterSpec> reporters = new ReportersBinder(binding, switches).bind(top, translatorsByName, storesByName);
        switchEndpointsUnique(top, translators, reporters);
        top.rejectUnknown("the top level");
        return new Deployment(source, name, controller, translators, collectors, stores, reporters);
    }

    /** Two switch entries must not be the same device (P4Runtime address and device id). */
    private static void switchEndpointsUnique(Fields top, List<TranslatorSpec> translators, List<ReporterSpec> reporters) {
        Map<String, String> seen = new HashMap<>();
        for (TranslatorSpec t : translators) {
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
}
