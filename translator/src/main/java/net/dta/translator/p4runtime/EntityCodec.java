package net.dta.translator.p4runtime;

import static net.dta.p4.TranslatorP4Names.*;

import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import net.dta.p4.BinaryStrings;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.translator.pipeline.Key;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Row;
import net.dta.translator.pipeline.Schema;
import net.dta.translator.pipeline.Settings;
import p4.config.v1.P4InfoOuterClass;
import p4.config.v1.P4InfoOuterClass.MatchField.MatchType;
import p4.v1.P4RuntimeOuterClass.Action;
import p4.v1.P4RuntimeOuterClass.FieldMatch;
import p4.v1.P4RuntimeOuterClass.TableAction;
import p4.v1.P4RuntimeOuterClass.TableEntry;

/**
 * Turns P4Runtime table entries into {@link Row}s and back (translator-control.md 1), checking
 * everything the P4Runtime specification makes the server check (ids, match kinds, widths, missing
 * or repeated fields and parameters, action scopes, priorities) and the limits of protocol.md 2.4
 * on store parameters, each failure an {@link P4Error} naming the field and what would be valid.
 */
final class EntityCodec {
    private final Schema schema;
    private final int appendTailSlots;
    private final Map<Integer, P4InfoOuterClass.Table> tables = new HashMap<>();
    private final Map<Integer, P4InfoOuterClass.Action> actions = new HashMap<>();
    private final Map<Integer, Integer> registers = new HashMap<>();
    private final Map<Integer, String> registerNames = new HashMap<>();
    private final Map<Integer, Integer> counters = new HashMap<>();

    EntityCodec(Schema schema, int appendTailSlots) {
        this.schema = schema;
        this.appendTailSlots = appendTailSlots;
        for (P4InfoOuterClass.Table t : schema.p4Info.getTablesList()) {
            tables.put(t.getPreamble().getId(), t);
        }
        for (P4InfoOuterClass.Action a : schema.p4Info.getActionsList()) {
            actions.put(a.getPreamble().getId(), a);
        }
        for (P4InfoOuterClass.Register r : schema.p4Info.getRegistersList()) {
            registerNames.put(r.getPreamble().getId(), r.getPreamble().getName());
        }
        registers.put(schema.rNextPsn, Registers.NEXT_PSN);
        registers.put(schema.rLastAcked, Registers.LAST_ACKED_PSN);
        registers.put(schema.rQpUp, Registers.QP_UP);
        registers.put(schema.rLostPackets, Registers.LOST_PACKETS);
        registers.put(schema.rAppendTail, Registers.APPEND_TAIL);
        counters.put(schema.cReports, net.dta.translator.pipeline.Counters.REPORTS);
        counters.put(schema.cDrops, net.dta.translator.pipeline.Counters.DROPS);
        counters.put(schema.cQpSent, net.dta.translator.pipeline.Counters.QP_SENT);
        counters.put(schema.cQpAcks, net.dta.translator.pipeline.Counters.QP_ACKS);
        counters.put(schema.cQpNaks, net.dta.translator.pipeline.Counters.QP_NAKS);
        counters.put(schema.cQpResyncs, net.dta.translator.pipeline.Counters.QP_RESYNCS);
        counters.put(schema.cQpProbes, net.dta.translator.pipeline.Counters.QP_PROBES);
    }

    P4InfoOuterClass.Table table(int tableId) throws P4Error {
        P4InfoOuterClass.Table t = tables.get(tableId);
        if (t == null) {
            throw P4Error.invalid("table id " + tableId + " is not a table of the translator pipeline");
        }
        return t;
    }

    String tableName(int tableId) {
        P4InfoOuterClass.Table t = tables.get(tableId);
        return t == null ? "table " + tableId : t.getPreamble().getName();
    }

    Iterable<P4InfoOuterClass.Table> allTables() {
        return schema.p4Info.getTablesList();
    }

    /** The register of {@link Registers} a P4Info register id names; internal registers are UNIMPLEMENTED. */
    int register(int registerId) throws P4Error {
        Integer r = registers.get(registerId);
        if (r != null) {
            return r;
        }
        String name = registerNames.get(registerId);
        if (name != null) {
            throw new P4Error(Status.Code.UNIMPLEMENTED, "register " + name + " is internal state of the hardware "
                    + "programs (docs/p4.md); the software translator has no such register");
        }
        throw P4Error.invalid("register id " + registerId + " is not a register of the translator pipeline");
    }

    int registerId(int register) {
        return switch (register) {
            case Registers.NEXT_PSN -> schema.rNextPsn;
            case Registers.LAST_ACKED_PSN -> schema.rLastAcked;
            case Registers.QP_UP -> schema.rQpUp;
            case Registers.LOST_PACKETS -> schema.rLostPackets;
            default -> schema.rAppendTail;
        };
    }

    int counter(int counterId) throws P4Error {
        Integer c = counters.get(counterId);
        if (c == null) {
            throw P4Error.invalid("counter id " + counterId + " is not a counter of the translator pipeline");
        }
        return c;
    }

    int counterId(int counter) {
        return switch (counter) {
            case net.dta.translator.pipeline.Counters.REPORTS -> schema.cReports;
            case net.dta.translator.pipeline.Counters.DROPS -> schema.cDrops;
            case net.dta.translator.pipeline.Counters.QP_SENT -> schema.cQpSent;
            case net.dta.translator.pipeline.Counters.QP_ACKS -> schema.cQpAcks;
            case net.dta.translator.pipeline.Counters.QP_NAKS -> schema.cQpNaks;
            case net.dta.translator.pipeline.Counters.QP_RESYNCS -> schema.cQpResyncs;
            default -> schema.cQpProbes;
        };
    }

    // ---- match keys ----

    /** The canonical key of a (non-default) entry. */
    Key key(P4InfoOuterClass.Table t, TableEntry e) throws P4Error {
        String table = t.getPreamble().getName();
        if (t.getMatchFieldsCount() == 0) {
            throw P4Error.invalid(table + " is keyless: it has only its default entry (set is_default_action)");
        }
        if (e.getPriority() != 0) {
            throw P4Error.invalid(table + " has no ternary, range or optional match fields: priority must be 0, got "
                    + e.getPriority());
        }
        long[] values = new long[3];
        int prefix = -1;
        boolean[] seen = new boolean[t.getMatchFieldsCount()];
        for (FieldMatch m : e.getMatchList()) {
            int i = fieldIndex(t, m.getFieldId());
            P4InfoOuterClass.MatchField f = t.getMatchFields(i);
            String what = table + " match field " + f.getName();
            if (seen[i]) {
                throw P4Error.invalid(what + " appears twice");
            }
            seen[i] = true;
            if (f.getMatchType() == MatchType.EXACT) {
                if (!m.hasExact()) {
                    throw P4Error.invalid(what + " is an exact match, got " + m.getFieldMatchTypeCase());
                }
                values[i] = value(m.getExact().getValue(), f.getBitwidth(), what);
            } else {
                if (!m.hasLpm()) {
                    throw P4Error.invalid(what + " is an LPM match, got " + m.getFieldMatchTypeCase());
                }
                int len = m.getLpm().getPrefixLen();
                if (len < 1 || len > f.getBitwidth()) {
                    throw P4Error.invalid(what + ": prefix length " + len + " is outside 1.." + f.getBitwidth()
                            + " (a prefix of length 0 is written by omitting the field)");
                }
                long v = value(m.getLpm().getValue(), f.getBitwidth(), what);
                long hostBits = len == 64 ? 0 : (1L << (f.getBitwidth() - len)) - 1;
                if ((v & hostBits) != 0) {
                    throw P4Error.invalid(what + ": 0x" + Long.toHexString(v) + "/" + len + " has bits set beyond the prefix");
                }
                values[i] = v;
                prefix = len;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            P4InfoOuterClass.MatchField f = t.getMatchFields(i);
            if (!seen[i]) {
                if (f.getMatchType() == MatchType.LPM) {
                    prefix = 0;
                } else {
                    throw P4Error.invalid(table + " match field " + f.getName() + " is missing (exact fields are required)");
                }
            }
        }
        return new Key(values[0], values[1], values[2], prefix);
    }

    /** A client's binary string for a field of {@code bits}: INVALID_ARGUMENT naming {@code what} when it is empty or does not fit. */
    static long value(ByteString bytes, int bits, String what) throws P4Error {
        try {
            return BinaryStrings.decode(bytes, bits, what);
        } catch (IllegalArgumentException e) {
            throw P4Error.invalid(e.getMessage());
        }
    }

    private static int fieldIndex(P4InfoOuterClass.Table t, int fieldId) throws P4Error {
        for (int i = 0; i < t.getMatchFieldsCount(); i++) {
            if (t.getMatchFields(i).getId() == fieldId) {
                return i;
            }
        }
        throw P4Error.invalid(t.getPreamble().getName() + " has no match field with id " + fieldId);
    }

    // ---- actions ----

    /** The action of an entry and its parameter values, checked against the table and protocol limits. */
    long[] action(P4InfoOuterClass.Table t, TableEntry e, boolean forDefault, int[] actionIdOut) throws P4Error {
        String table = t.getPreamble().getName();
        if (!e.hasAction() || e.getAction().getTypeCase() != TableAction.TypeCase.ACTION) {
            throw P4Error.invalid(table + ": the entry needs an action (action profiles are not used by this pipeline)");
        }
        Action a = e.getAction().getAction();
        P4InfoOuterClass.ActionRef ref = null;
        for (P4InfoOuterClass.ActionRef r : t.getActionRefsList()) {
            if (r.getId() == a.getActionId()) {
                ref = r;
            }
        }
        P4InfoOuterClass.Action info = actions.get(a.getActionId());
        if (ref == null || info == null) {
            throw P4Error.invalid(table + ": action id " + a.getActionId() + " is not an action of this table");
        }
        String name = info.getPreamble().getName();
        if (!forDefault && ref.getScope() == P4InfoOuterClass.ActionRef.Scope.DEFAULT_ONLY) {
            throw P4Error.invalid(table + ": " + name + " is the table's default action only (@defaultonly); entries cannot use it");
        }
        if (forDefault && ref.getScope() == P4InfoOuterClass.ActionRef.Scope.TABLE_ONLY) {
            throw P4Error.invalid(table + ": " + name + " cannot be the default action (@tableonly)");
        }
        long[] values = new long[info.getParamsCount()];
        boolean[] seen = new boolean[info.getParamsCount()];
        for (Action.Param p : a.getParamsList()) {
            int i = -1;
            for (int j = 0; j < info.getParamsCount(); j++) {
                if (info.getParams(j).getId() == p.getParamId()) {
                    i = j;
                }
            }
            if (i < 0) {
                throw P4Error.invalid(name + " has no parameter with id " + p.getParamId());
            }
            String what = name + " parameter " + info.getParams(i).getName();
            if (seen[i]) {
                throw P4Error.invalid(what + " appears twice");
            }
            seen[i] = true;
            values[i] = value(p.getValue(), info.getParams(i).getBitwidth(), what);
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw P4Error.invalid(name + " parameter " + info.getParams(i).getName() + " is missing");
            }
        }
        checkLimits(a.getActionId(), name, values);
        actionIdOut[0] = a.getActionId();
        return values;
    }

    /** Store parameters outside protocol.md 2.4 would make the data plane address memory no collector has. */
    private void checkLimits(int actionId, String name, long[] v) throws P4Error {
        if (actionId == schema.aKeyWrite) {
            range(name, P_LOG2_SLOTS, v[0], 1, 29);
            if (v[1] != 8 && v[1] != 16 && v[1] != 32) {
                throw P4Error.invalid(name + " " + P_SLOT_BYTES + " must be 8, 16 or 32 (values of 4, 12, 28 bytes), got " + v[1]);
            }
            range(name, P_DEFAULT_REDUNDANCY, v[2], 1, 8);
        } else if (actionId == schema.aKeyIncrement || actionId == schema.aSketch) {
            range(name, P_ROWS, v[0], 1, 8);
            range(name, P_LOG2_COLUMNS, v[1], 1, 29);
        } else if (actionId == schema.aPostcard) {
            range(name, P_LOG2_ROWS, v[0], 1, 29);
            range(name, P_HOPS, v[1], 1, PostcardLayout.MAX_HOPS);
            int rowBytes = new PostcardLayout(1, (int) v[1]).rowBytes();
            if (v[2] != rowBytes) {
                throw P4Error.invalid(name + " " + P_ROW_BYTES + " must be " + rowBytes + " for " + v[1]
                        + " hops (8 bytes per hop, rounded up to a power of two; protocol.md 4.5), got " + v[2]);
            }
        } else if (actionId == schema.aAppend) {
            range(name, P_LISTS, v[0], 1, AppendLayout.MAX_LISTS);
            range(name, P_LOG2_ENTRIES, v[1], 4, 29);
            if (v[2] != 1 && v[2] != 2 && v[2] != 4 && v[2] != 8 && v[2] != 16) {
                throw P4Error.invalid(name + " " + P_BATCH + " must be 1, 2, 4, 8 or 16 entries, got " + v[2]);
            }
            if (v[3] + v[0] > appendTailSlots) {
                throw new P4Error(Status.Code.OUT_OF_RANGE, name + ": " + P_TAIL_BASE + " " + v[3] + " + " + P_LISTS + " " + v[0]
                        + " exceeds the " + appendTailSlots + " cells of " + REG_APPEND_TAIL);
            }
        }
    }

    private static void range(String action, String param, long value, long min, long max) throws P4Error {
        if (value < min || value > max) {
            throw P4Error.invalid(action + " " + param + " must be " + min + ".." + max + ", got " + value);
        }
    }

    // ---- whole entries ----

    /** A non-default entry for INSERT or MODIFY. */
    Row row(TableEntry e) throws P4Error {
        P4InfoOuterClass.Table t = table(e.getTableId());
        Key key = key(t, e);
        checkUnsupported(t, e);
        int[] actionId = new int[1];
        long[] params = action(t, e, false, actionId);
        return new Row(e.getTableId(), key, actionId[0], params, canonical(t, key, actionId[0], params, e));
    }

    private static void checkUnsupported(P4InfoOuterClass.Table t, TableEntry e) throws P4Error {
        if (e.getIdleTimeoutNs() != 0 || e.hasMeterConfig() || e.hasCounterData() || e.hasTimeSinceLastHit()) {
            throw P4Error.invalid(t.getPreamble().getName() + " has no idle timeout, direct meter or direct counter");
        }
    }

    /** The settings of a MODIFY of the {@code dta_settings} default entry; no action resets them. */
    Settings settings(TableEntry e) throws P4Error {
        P4InfoOuterClass.Table t = table(e.getTableId());
        if (e.getMatchCount() != 0) {
            throw P4Error.invalid(t.getPreamble().getName() + ": a default entry has no match fields");
        }
        if (!e.hasAction()) {
            return Settings.DEFAULT;
        }
        int[] id = new int[1];
        long[] p = action(t, e, true, id);
        return new Settings((int) p[0], p[1], (int) p[2]);
    }

    /** The canonical form Read returns. */
    TableEntry canonical(P4InfoOuterClass.Table t, Key key, int actionId, long[] params, TableEntry original) {
        TableEntry.Builder b = TableEntry.newBuilder().setTableId(t.getPreamble().getId());
        long[] fields = {key.f0(), key.f1(), key.f2()};
        for (int i = 0; i < t.getMatchFieldsCount(); i++) {
            P4InfoOuterClass.MatchField f = t.getMatchFields(i);
            if (f.getMatchType() == MatchType.LPM) {
                if (key.prefixLength() > 0) {
                    b.addMatch(FieldMatch.newBuilder().setFieldId(f.getId()).setLpm(FieldMatch.LPM.newBuilder()
                            .setValue(BinaryStrings.canonical(fields[i])).setPrefixLen(key.prefixLength())));
                }
            } else {
                b.addMatch(FieldMatch.newBuilder().setFieldId(f.getId())
                        .setExact(FieldMatch.Exact.newBuilder().setValue(BinaryStrings.canonical(fields[i]))));
            }
        }
        b.setAction(TableAction.newBuilder().setAction(action(actionId, params)));
        if (original != null) {
            b.setControllerMetadata(original.getControllerMetadata()).setMetadata(original.getMetadata());
        }
        return b.build();
    }

    Action action(int actionId, long[] params) {
        P4InfoOuterClass.Action info = actions.get(actionId);
        Action.Builder a = Action.newBuilder().setActionId(actionId);
        for (int i = 0; i < params.length; i++) {
            a.addParams(Action.Param.newBuilder().setParamId(info.getParams(i).getId()).setValue(BinaryStrings.canonical(params[i])));
        }
        return a.build();
    }

    /** The default entry of a table as Read returns it. */
    TableEntry defaultEntry(P4InfoOuterClass.Table t, Settings settings) {
        TableEntry.Builder b = TableEntry.newBuilder().setTableId(t.getPreamble().getId()).setIsDefaultAction(true);
        if (t.getPreamble().getId() == schema.tSettings) {
            b.setAction(TableAction.newBuilder().setAction(action(schema.aSetSettings,
                    new long[] {settings.ackIntervalLog2(), settings.flushIntervalMicros(), settings.probeIntervalMillis()})));
        } else {
            b.setAction(TableAction.newBuilder().setAction(Action.newBuilder().setActionId(t.getConstDefaultActionId())));
        }
        return b.build();
    }

    boolean hasConstDefault(P4InfoOuterClass.Table t) {
        return t.getConstDefaultActionId() != 0;
    }
}
