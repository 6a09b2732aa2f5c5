package net.dta.p4;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import p4.config.v1.P4InfoOuterClass.Action;
import p4.config.v1.P4InfoOuterClass.ControllerPacketMetadata;
import p4.config.v1.P4InfoOuterClass.Counter;
import p4.config.v1.P4InfoOuterClass.MatchField;
import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.config.v1.P4InfoOuterClass.Preamble;
import p4.config.v1.P4InfoOuterClass.Register;
import p4.config.v1.P4InfoOuterClass.Table;

/**
 * Name lookups in one P4Info, built once per pipeline.
 *
 * <p>A name resolves by exact match first, then as the unique object whose name ends with
 * {@code "." + name} (so {@code Ingress.dta_stores} finds {@code pipe.Ingress.dta_stores} on
 * TNA). A miss, or an ambiguous suffix, throws {@link IllegalArgumentException} naming the kind
 * of object and the closest names ("did you mean ...").
 */
public final class P4InfoIndex {
    private final P4Info p4Info;
    private final Kind<Table> tables;
    private final Kind<Action> actions;
    private final Kind<Counter> counters;
    private final Kind<Register> registers;
    private final Kind<ControllerPacketMetadata> packetMetadata;

    public P4InfoIndex(P4Info p4Info) {
        this.p4Info = p4Info;
        this.tables = new Kind<>("table", p4Info.getTablesList(), Table::getPreamble);
        this.actions = new Kind<>("action", p4Info.getActionsList(), Action::getPreamble);
        this.counters = new Kind<>("counter", p4Info.getCountersList(), Counter::getPreamble);
        this.registers = new Kind<>("register", p4Info.getRegistersList(), Register::getPreamble);
        this.packetMetadata = new Kind<>("controller packet metadata", p4Info.getControllerPacketMetadataList(),
                ControllerPacketMetadata::getPreamble);
    }

    public P4Info p4Info() {
        return p4Info;
    }

    public Table table(String name) {
        return tables.get(name);
    }

    public Action action(String name) {
        return actions.get(name);
    }

    public Counter counter(String name) {
        return counters.get(name);
    }

    public Register register(String name) {
        return registers.get(name);
    }

    public ControllerPacketMetadata packetMetadata(String name) {
        return packetMetadata.get(name);
    }

    public int tableId(String name) {
        return table(name).getPreamble().getId();
    }

    public int actionId(String name) {
        return action(name).getPreamble().getId();
    }

    public int counterId(String name) {
        return counter(name).getPreamble().getId();
    }

    public int registerId(String name) {
        return register(name).getPreamble().getId();
    }

    /** The action with this id, if the P4Info has one. */
    public Optional<Action> actionById(int id) {
        return actions.byId(id);
    }

    /** A match field of a table, by its (short) name. */
    public MatchField matchField(String table, String field) {
        Table t = table(table);
        return pick("match field of " + t.getPreamble().getName(), t.getMatchFieldsList(), MatchField::getName, field);
    }

    /** A parameter of an action, by name: its id and bit width. */
    public Action.Param actionParam(String action, String param) {
        Action a = action(action);
        return pick("parameter of " + a.getPreamble().getName(), a.getParamsList(), Action.Param::getName, param);
    }

    /** A field of a controller packet metadata header (packet_in, packet_out). */
    public ControllerPacketMetadata.Metadata packetMetadataField(String header, String field) {
        ControllerPacketMetadata m = packetMetadata(header);
        return pick("field of " + m.getPreamble().getName(), m.getMetadataList(),
                ControllerPacketMetadata.Metadata::getName, field);
    }

    private static <T> T pick(String what, List<T> items, Function<T, String> name, String wanted) {
        for (T item : items) {
            if (name.apply(item).equals(wanted)) {
                return item;
            }
        }
        throw new IllegalArgumentException("no " + what + " named '" + wanted + "'"
                + hint(items.stream().map(name).toList(), wanted));
    }

    private static String hint(List<String> names, String wanted) {
        if (names.isEmpty()) {
            return " (there are none)";
        }
        String lastPart = wanted.substring(wanted.lastIndexOf('.') + 1);
        List<String> close = names.stream()
                .sorted(Comparator.comparingInt((String n) -> distance(n.substring(n.lastIndexOf('.') + 1), lastPart))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(3)
                .toList();
        return "; did you mean " + String.join(", ", close) + "?";
    }

    /** Levenshtein distance, for hints. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The objects of one kind, by name and by id. */
    private static final class Kind<T> {
        private final String what;
        private final Map<String, T> byName = new LinkedHashMap<>();
        private final Map<Integer, T> byId = new LinkedHashMap<>();

        Kind(String what, List<T> items, Function<T, Preamble> preamble) {
            this.what = what;
            for (T item : items) {
                byName.put(preamble.apply(item).getName(), item);
                byId.put(preamble.apply(item).getId(), item);
            }
        }

        T get(String name) {
            T exact = byName.get(name);
            if (exact != null) {
                return exact;
            }
            List<String> matches = new ArrayList<>();
            for (String candidate : byName.keySet()) {
                if (candidate.endsWith("." + name)) {
                    matches.add(candidate);
                }
            }
            if (matches.size() == 1) {
                return byName.get(matches.get(0));
            }
            if (matches.size() > 1) {
                throw new IllegalArgumentException("ambiguous " + what + " name '" + name + "': "
                        + String.join(", ", matches));
            }
            throw new IllegalArgumentException("no " + what + " named '" + name + "'"
                    + hint(List.copyOf(byName.keySet()), name));
        }

        Optional<T> byId(int id) {
            return Optional.ofNullable(byId.get(id));
        }
    }
}
