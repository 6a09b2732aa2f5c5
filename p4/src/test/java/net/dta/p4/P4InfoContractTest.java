package net.dta.p4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.dta.p4.ReporterP4Names;
import net.dta.p4.TranslatorP4Names;
import net.dta.p4.TranslatorP4Names.Field;
import net.dta.p4.TranslatorP4Names.Table;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p4.config.v1.P4InfoOuterClass.Action;
import p4.config.v1.P4InfoOuterClass.ActionRef;
import p4.config.v1.P4InfoOuterClass.ControllerPacketMetadata;
import p4.config.v1.P4InfoOuterClass.Counter;
import p4.config.v1.P4InfoOuterClass.CounterSpec;
import p4.config.v1.P4InfoOuterClass.MatchField;
import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.config.v1.P4InfoOuterClass.Preamble;
import p4.config.v1.P4InfoOuterClass.Register;

/**
 * The P4Info files declare every object the controller uses (TranslatorP4Names, ReporterP4Names)
 * with the same widths and match kinds on both targets, their ids are what p4c derives, and the
 * P4 sources declare every name the P4Info files have.
 */
class P4InfoContractTest {

    /** A pipeline: its P4Info resource, its P4 source (relative to the module), its names class. */
    record Pipeline(String resource, String source, boolean translator) {
        @Override
        public String toString() {
            return resource.substring(resource.lastIndexOf('/') + 1);
        }
    }

    static Stream<Arguments> pipelines() {
        return Stream.of(
                Arguments.of(new Pipeline(P4InfoFiles.TRANSLATOR_V1MODEL, "translator/translator_v1model.p4", true)),
                Arguments.of(new Pipeline(P4InfoFiles.TRANSLATOR_TNA, "translator/translator_tna.p4", true)),
                Arguments.of(new Pipeline(P4InfoFiles.REPORTER_V1MODEL, "reporter/reporter_v1model.p4", false)),
                Arguments.of(new Pipeline(P4InfoFiles.REPORTER_TNA, "reporter/reporter_tna.p4", false)));
    }

    private static List<Table> tables(Pipeline p) {
        return p.translator() ? TranslatorP4Names.TABLES : ReporterP4Names.TABLES;
    }

    private static Map<String, List<Field>> params(Pipeline p) {
        return p.translator() ? TranslatorP4Names.ACTION_PARAMS : ReporterP4Names.ACTION_PARAMS;
    }

    private static Map<String, Integer> counters(Pipeline p) {
        return p.translator() ? TranslatorP4Names.COUNTERS : ReporterP4Names.COUNTERS;
    }

    /** Counter units of translator-control.md section 2 and docs/p4.md (reporter). */
    private static final Map<String, CounterSpec.Unit> UNITS = Map.of(
            TranslatorP4Names.CTR_REPORTS, CounterSpec.Unit.BOTH,
            TranslatorP4Names.CTR_QP_SENT, CounterSpec.Unit.BOTH);

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldDeclareEveryTableWithItsMatchFieldsAndActions(Pipeline p) {
        P4InfoIndex index = new P4InfoIndex(P4InfoFiles.load(p.resource()));
        for (Table expected : tables(p)) {
            p4.config.v1.P4InfoOuterClass.Table table = index.table(expected.name());
            assertEquals(expected.matchFields().size(), table.getMatchFieldsCount(), expected.name() + " match fields");
            for (int i = 0; i < expected.matchFields().size(); i++) {
                MatchField field = table.getMatchFields(i);
                Field want = expected.matchFields().get(i);
                assertEquals(want.name(), field.getName(), expected.name() + " match field " + (i + 1));
                assertEquals(want.bits(), field.getBitwidth(), expected.name() + "." + want.name() + " width");
                assertEquals(expected.matchKinds().get(i).toUpperCase(), field.getMatchType().name(),
                        expected.name() + "." + want.name() + " match kind");
            }
            Set<Integer> wantActions = new HashSet<>();
            for (String action : expected.actions()) {
                wantActions.add(index.actionId(action));
            }
            Set<Integer> refs = new HashSet<>();
            for (ActionRef ref : table.getActionRefsList()) {
                refs.add(ref.getId());
            }
            assertEquals(wantActions, refs, expected.name() + " action refs");
            if (table.getConstDefaultActionId() != 0) {
                assertTrue(refs.contains(table.getConstDefaultActionId()), expected.name() + " default action");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldDeclareEveryActionParameterWithItsWidth(Pipeline p) {
        P4InfoIndex index = new P4InfoIndex(P4InfoFiles.load(p.resource()));
        for (Map.Entry<String, List<Field>> e : params(p).entrySet()) {
            Action action = index.action(e.getKey());
            assertEquals(e.getValue().size(), action.getParamsCount(), e.getKey() + " parameters");
            for (int i = 0; i < e.getValue().size(); i++) {
                Field want = e.getValue().get(i);
                Action.Param param = action.getParams(i);
                assertEquals(i + 1, param.getId(), e.getKey() + " parameter ids");
                assertEquals(want.name(), param.getName(), e.getKey() + " parameter " + (i + 1));
                assertEquals(want.bits(), param.getBitwidth(), e.getKey() + "(" + want.name() + ") width");
                assertEquals(param, index.actionParam(e.getKey(), want.name()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldDeclareRegistersCountersAndPacketMetadata(Pipeline p) {
        P4InfoIndex index = new P4InfoIndex(P4InfoFiles.load(p.resource()));
        for (Map.Entry<String, Integer> e : counters(p).entrySet()) {
            Counter counter = index.counter(e.getKey());
            assertEquals(e.getValue().longValue(), counter.getSize(), e.getKey() + " size");
            CounterSpec.Unit unit = UNITS.getOrDefault(e.getKey(), CounterSpec.Unit.PACKETS);
            assertEquals(unit, counter.getSpec().getUnit(), e.getKey() + " unit");
        }
        if (!p.translator()) {
            return;
        }
        for (Map.Entry<String, Field> e : TranslatorP4Names.REGISTERS.entrySet()) {
            Register register = index.register(e.getKey());
            assertEquals(Integer.parseInt(e.getValue().name()), register.getSize(), e.getKey() + " size");
            assertEquals(e.getValue().bits(), register.getTypeSpec().getBitstring().getBit().getBitwidth(),
                    e.getKey() + " width");
        }
        for (Map.Entry<String, List<Field>> e : TranslatorP4Names.PACKET_METADATA.entrySet()) {
            ControllerPacketMetadata header = index.packetMetadata(e.getKey());
            assertEquals(e.getValue().size(), header.getMetadataCount(), e.getKey() + " fields");
            for (int i = 0; i < e.getValue().size(); i++) {
                Field want = e.getValue().get(i);
                ControllerPacketMetadata.Metadata field = header.getMetadata(i);
                assertEquals(i + 1, field.getId());
                assertEquals(want.name(), field.getName(), e.getKey() + " field " + (i + 1));
                assertEquals(want.bits(), field.getBitwidth(), e.getKey() + "." + want.name() + " width");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldGiveEveryObjectTheIdP4cDerivesFromItsName(Pipeline p) throws IOException {
        P4Info info = P4InfoFiles.load(p.resource());
        String source = Files.readString(Path.of(p.source()));
        Map<Integer, List<String>> namesByType = new TreeMap<>();
        Map<String, Integer> ids = new HashMap<>();
        Set<Integer> seen = new HashSet<>();
        List<Map.Entry<Integer, Preamble>> all = new ArrayList<>();
        info.getTablesList().forEach(t -> all.add(Map.entry(0x02, t.getPreamble())));
        info.getActionsList().forEach(a -> all.add(Map.entry(0x01, a.getPreamble())));
        info.getCountersList().forEach(c -> all.add(Map.entry(0x12, c.getPreamble())));
        info.getRegistersList().forEach(r -> all.add(Map.entry(0x16, r.getPreamble())));
        // p4c hashes the name of the header type that carries @controller_header, not the P4Info name.
        info.getControllerPacketMetadataList().forEach(m -> all.add(Map.entry(0x04,
                m.getPreamble().toBuilder().setName(controllerHeaderType(source, m.getPreamble().getName())).build())));
        assertFalse(info.getDirectCountersCount() + info.getMetersCount() + info.getDigestsCount() > 0,
                "no object kinds beyond tables, actions, counters, registers and packet metadata");
        for (Map.Entry<Integer, Preamble> e : all) {
            Preamble preamble = e.getValue();
            assertTrue(seen.add(preamble.getId()), "duplicate id " + preamble.getId() + " (" + preamble.getName() + ")");
            assertEquals(e.getKey().intValue(), preamble.getId() >>> 24, preamble.getName() + " id prefix");
            namesByType.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(preamble.getName());
            ids.put(e.getKey() + "/" + preamble.getName(), preamble.getId());
        }
        // p4c: per type, in name order, id = type << 24 | jenkins(name) & 0xffffff, probing on collision.
        Set<Integer> assigned = new HashSet<>();
        for (Map.Entry<Integer, List<String>> e : namesByType.entrySet()) {
            for (String name : e.getValue().stream().sorted().toList()) {
                int hash = jenkinsOneAtATime(name);
                int id;
                while (!assigned.add(id = (e.getKey() << 24) | (hash & 0xFFFFFF))) {
                    hash++;
                }
                assertEquals(id, ids.get(e.getKey() + "/" + name), name + " id");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldFindEveryP4InfoNameInTheP4Source(Pipeline p) throws IOException {
        P4Info info = P4InfoFiles.load(p.resource());
        String source = Files.readString(Path.of(p.source()));
        for (p4.config.v1.P4InfoOuterClass.Table table : info.getTablesList()) {
            require(source, "table\\s+" + shortName(table.getPreamble()) + "\\s*\\{", table.getPreamble().getName());
            for (MatchField field : table.getMatchFieldsList()) {
                require(source, "@name\\(\"" + Pattern.quote(field.getName()) + "\"\\)", field.getName());
            }
        }
        for (Action action : info.getActionsList()) {
            String name = shortName(action.getPreamble());
            if (name.equals("NoAction")) {
                require(source, "NoAction", "NoAction");
                continue;
            }
            Matcher signature = Pattern.compile("action\\s+" + name + "\\s*\\(([^)]*)\\)").matcher(source);
            if (!signature.find()) {
                fail(p.source() + " declares no action " + name);
            }
            for (Action.Param param : action.getParamsList()) {
                Matcher typed = Pattern.compile("(bit<(\\d+)>|PortId_t)\\s+" + param.getName() + "\\b")
                        .matcher(signature.group(1));
                if (!typed.find()) {
                    fail(name + " in " + p.source() + " has no parameter " + param.getName());
                }
                int bits = typed.group(2) == null ? 9 : Integer.parseInt(typed.group(2));
                assertEquals(param.getBitwidth(), bits, name + "(" + param.getName() + ") width in the source");
            }
        }
        for (Counter counter : info.getCountersList()) {
            require(source, "[Cc]ounter<[^;]*\\)\\s+" + shortName(counter.getPreamble()) + "\\s*;",
                    counter.getPreamble().getName());
        }
        for (Register register : info.getRegistersList()) {
            Matcher declared = Pattern.compile("[Rr]egister<(bit<(\\d+)>|\\w+),[^;]*\\(([\\w *]+)\\)\\s+"
                    + shortName(register.getPreamble()) + "\\s*;").matcher(source);
            if (!declared.find()) {
                fail(p.source() + " declares no register " + register.getPreamble().getName());
            }
            if (declared.group(2) != null) {
                assertEquals(register.getTypeSpec().getBitstring().getBit().getBitwidth(),
                        Integer.parseInt(declared.group(2)), register.getPreamble().getName() + " width in the source");
            }
            if (declared.group(3).matches("\\d+")) {
                assertEquals(register.getSize(), Integer.parseInt(declared.group(3)),
                        register.getPreamble().getName() + " size in the source");
            }
        }
        for (ControllerPacketMetadata header : info.getControllerPacketMetadataList()) {
            require(source, "@controller_header\\(\"" + header.getPreamble().getName() + "\"\\)",
                    header.getPreamble().getName());
            for (ControllerPacketMetadata.Metadata field : header.getMetadataList()) {
                require(source, "bit<" + field.getBitwidth() + ">\\s+" + field.getName() + ";", field.getName());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldUseTheCloneSessionTheControllerCreates(Pipeline p) throws IOException {
        String source = Files.readString(Path.of(p.source()));
        String define = p.translator() ? "LOOP_SESSION" : "REPORT_SESSION";
        int session = p.translator() ? TranslatorP4Names.LOOP_CLONE_SESSION : ReporterP4Names.REPORT_SESSION;
        require(source, "#define\\s+" + define + "\\s+" + session + "\\b", define + " " + session);
    }

    /**
     * {@code register<T, I>} and {@code counter<I>} exist only in the v1model API of
     * V1MODEL_VERSION 20200408; p4c's v1model.p4 defaults to 20180101, where they do not compile.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void shouldSelectTheV1modelVersionOfTheExternsItDeclares(Pipeline p) throws IOException {
        String source = Files.readString(Path.of(p.source()));
        int include = source.indexOf("#include <v1model.p4>");
        if (include < 0 || !Pattern.compile("\\bregister<[^;(]*,|\\bcounter<").matcher(source).find()) {
            return;
        }
        int define = source.indexOf("#define V1MODEL_VERSION 20200408");
        assertTrue(define >= 0 && define < include,
                p.source() + " declares register<T, I> / counter<I>: it must #define V1MODEL_VERSION 20200408"
                        + " before #include <v1model.p4>");
    }

    private static void require(String source, String regex, String what) {
        if (!Pattern.compile(regex).matcher(source).find()) {
            fail("the P4 source does not declare " + what + " (/" + regex + "/)");
        }
    }

    private static String controllerHeaderType(String source, String name) {
        Matcher m = Pattern.compile("@controller_header\\(\"" + Pattern.quote(name) + "\"\\)\\s*header\\s+(\\w+)").matcher(source);
        if (!m.find()) {
            fail("the P4 source declares no header with @controller_header(\"" + name + "\")");
        }
        return m.group(1);
    }

    private static String shortName(Preamble preamble) {
        String name = preamble.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The name hash p4c uses for P4Runtime ids (Jenkins one-at-a-time). */
    static int jenkinsOneAtATime(String name) {
        int hash = 0;
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hash += b & 0xFF;
            hash += hash << 10;
            hash ^= hash >>> 6;
        }
        hash += hash << 3;
        hash ^= hash >>> 11;
        hash += hash << 15;
        return hash;
    }
}
