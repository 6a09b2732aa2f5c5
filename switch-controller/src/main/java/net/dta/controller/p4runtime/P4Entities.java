package net.dta.controller.p4runtime;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.dta.p4.BinaryStrings;
import net.dta.p4.P4InfoIndex;
import p4.config.v1.P4InfoOuterClass;
import p4.v1.P4DataOuterClass.P4Data;
import p4.v1.P4RuntimeOuterClass.Action;
import p4.v1.P4RuntimeOuterClass.CloneSessionEntry;
import p4.v1.P4RuntimeOuterClass.CounterEntry;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.FieldMatch;
import p4.v1.P4RuntimeOuterClass.Index;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.PacketMetadata;
import p4.v1.P4RuntimeOuterClass.PacketOut;
import p4.v1.P4RuntimeOuterClass.PacketReplicationEngineEntry;
import p4.v1.P4RuntimeOuterClass.RegisterEntry;
import p4.v1.P4RuntimeOuterClass.Replica;
import p4.v1.P4RuntimeOuterClass.TableAction;
import p4.v1.P4RuntimeOuterClass.TableEntry;

/**
 * Builds P4Runtime entities from names, through one {@link P4InfoIndex}: the only place names
 * become ids and widths. A wrong name fails with "did you mean ..."; a value wider than its field
 * fails naming the field. Works for v1model and TNA P4Info (TNA's {@code pipe.} prefix resolves by
 * suffix).
 */
public final class P4Entities {
    private final P4InfoIndex index;

    public P4Entities(P4InfoIndex index) {
        this.index = index;
    }

    public P4InfoIndex index() {
        return index;
    }

    public TableEntryBuilder table(String name) {
        return new TableEntryBuilder(name);
    }

    public static Entity entity(TableEntry e) {
        return Entity.newBuilder().setTableEntry(e).build();
    }

    /** A register cell to write (MODIFY). */
    public Entity register(String name, long index, long value) {
        P4InfoOuterClass.Register r = this.index.register(name);
        int bits = r.getTypeSpec().getBitstring().getBit().getBitwidth();
        return Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder()
                .setRegisterId(r.getPreamble().getId())
                .setIndex(Index.newBuilder().setIndex(index))
                .setData(P4Data.newBuilder().setBitstring(BinaryStrings.padded(value, bits, r.getPreamble().getName() + "[" + index + "]"))))
                .build();
    }

    /** A read query for one register cell, or all of them when index is negative. */
    public Entity registerQuery(String name, long index) {
        RegisterEntry.Builder b = RegisterEntry.newBuilder().setRegisterId(this.index.registerId(name));
        if (index >= 0) {
            b.setIndex(Index.newBuilder().setIndex(index));
        }
        return Entity.newBuilder().setRegisterEntry(b).build();
    }

    /** A read query for every cell of a counter. */
    public Entity counterQuery(String name) {
        return Entity.newBuilder().setCounterEntry(CounterEntry.newBuilder().setCounterId(index.counterId(name))).build();
    }

    /** A read query for every entry of a table. */
    public Entity tableQuery(String name) {
        return entity(TableEntry.newBuilder().setTableId(index.tableId(name)).build());
    }

    /** A clone session with one replica (instance 0) on a port. */
    public static Entity cloneSession(int sessionId, int egressPort) {
        return Entity.newBuilder().setPacketReplicationEngineEntry(PacketReplicationEngineEntry.newBuilder()
                .setCloneSessionEntry(CloneSessionEntry.newBuilder().setSessionId(sessionId)
                        .addReplicas(Replica.newBuilder().setEgressPort(egressPort).setInstance(0))))
                .build();
    }

    /** A PacketOut carrying a whole Ethernet frame with the given {@code packet_out} metadata values. */
    public PacketOut packetOut(byte[] frame, Map<String, Long> metadata) {
        PacketOut.Builder b = PacketOut.newBuilder().setPayload(ByteString.copyFrom(frame));
        P4InfoOuterClass.ControllerPacketMetadata header = index.packetMetadata("packet_out");
        for (Map.Entry<String, Long> m : metadata.entrySet()) {
            P4InfoOuterClass.ControllerPacketMetadata.Metadata f = index.packetMetadataField("packet_out", m.getKey());
            b.addMetadata(PacketMetadata.newBuilder().setMetadataId(f.getId())
                    .setValue(BinaryStrings.padded(m.getValue(), f.getBitwidth(), header.getPreamble().getName() + "." + f.getName())));
        }
        return b.build();
    }

    /** The value of a {@code packet_in} metadata field of a PacketIn, or -1 when absent. */
    public long packetInField(PacketIn p, String field) {
        int id = index.packetMetadataField("packet_in", field).getId();
        for (PacketMetadata m : p.getMetadataList()) {
            if (m.getMetadataId() == id) {
                return BinaryStrings.decode(m.getValue());
            }
        }
        return -1;
    }

    /** The id of a table, for matching read results. */
    public int tableId(String name) {
        return index.tableId(name);
    }

    /** The name of an action id, or "action <id>". */
    public String actionName(int id) {
        return index.actionById(id).map(a -> a.getPreamble().getName()).orElse("action " + id);
    }

    /** One parameter of an entry's action, by name; -1 when the entry has no such parameter. */
    public long param(TableEntry e, String action, String param) {
        int id = index.actionParam(action, param).getId();
        for (Action.Param p : e.getAction().getAction().getParamsList()) {
            if (p.getParamId() == id) {
                return BinaryStrings.decode(p.getValue());
            }
        }
        return -1;
    }

    /** True when the entry's action is the named one. */
    public boolean hasAction(TableEntry e, String action) {
        return e.getAction().getAction().getActionId() == index.actionId(action);
    }

    /** One match field of an entry (exact or lpm value), by name; -1 when absent. */
    public long match(TableEntry e, String table, String field) {
        int id = index.matchField(table, field).getId();
        for (FieldMatch m : e.getMatchList()) {
            if (m.getFieldId() == id) {
                return switch (m.getFieldMatchTypeCase()) {
                    case EXACT -> BinaryStrings.decode(m.getExact().getValue());
                    case LPM -> BinaryStrings.decode(m.getLpm().getValue());
                    case TERNARY -> BinaryStrings.decode(m.getTernary().getValue());
                    default -> -1;
                };
            }
        }
        return -1;
    }

    /** Builds one table entry; names resolved and values checked as they are added. */
    public final class TableEntryBuilder {
        private final P4InfoOuterClass.Table table;
        private final TableEntry.Builder entry = TableEntry.newBuilder();
        private final List<FieldMatch> matches = new ArrayList<>();
        private P4InfoOuterClass.Action action;
        private final Action.Builder actionBuilder = Action.newBuilder();

        private TableEntryBuilder(String name) {
            this.table = index.table(name);
            entry.setTableId(table.getPreamble().getId());
        }

        private P4InfoOuterClass.MatchField field(String name) {
            return index.matchField(table.getPreamble().getName(), name);
        }

        private String where(String field) {
            return table.getPreamble().getName() + "." + field;
        }

        public TableEntryBuilder exact(String field, long value) {
            P4InfoOuterClass.MatchField f = field(field);
            matches.add(FieldMatch.newBuilder().setFieldId(f.getId())
                    .setExact(FieldMatch.Exact.newBuilder().setValue(BinaryStrings.padded(value, f.getBitwidth(), where(field)))).build());
            return this;
        }

        /** An LPM match; a prefix length of 0 is a wildcard and, per P4Runtime, leaves the field out. */
        public TableEntryBuilder lpm(String field, long value, int prefixLength) {
            P4InfoOuterClass.MatchField f = field(field);
            if (prefixLength > 0) {
                matches.add(FieldMatch.newBuilder().setFieldId(f.getId()).setLpm(FieldMatch.LPM.newBuilder()
                        .setValue(BinaryStrings.padded(value, f.getBitwidth(), where(field))).setPrefixLen(prefixLength)).build());
            }
            return this;
        }

        /** A ternary match; a zero mask is a wildcard and leaves the field out. */
        public TableEntryBuilder ternary(String field, long value, long mask) {
            P4InfoOuterClass.MatchField f = field(field);
            if (mask != 0) {
                matches.add(FieldMatch.newBuilder().setFieldId(f.getId()).setTernary(FieldMatch.Ternary.newBuilder()
                        .setValue(BinaryStrings.padded(value & mask, f.getBitwidth(), where(field)))
                        .setMask(BinaryStrings.padded(mask, f.getBitwidth(), where(field) + " mask"))).build());
            }
            return this;
        }

        public TableEntryBuilder priority(int priority) {
            entry.setPriority(priority);
            return this;
        }

        /** Makes this the table's default entry (no match; written with MODIFY). */
        public TableEntryBuilder defaultEntry() {
            entry.setIsDefaultAction(true);
            return this;
        }

        public TableEntryBuilder action(String name) {
            action = index.action(name);
            actionBuilder.setActionId(action.getPreamble().getId());
            return this;
        }

        public TableEntryBuilder param(String name, long value) {
            if (action == null) {
                throw new IllegalStateException("set the action before its parameters");
            }
            P4InfoOuterClass.Action.Param p = index.actionParam(action.getPreamble().getName(), name);
            actionBuilder.addParams(Action.Param.newBuilder().setParamId(p.getId())
                    .setValue(BinaryStrings.padded(value, p.getBitwidth(), action.getPreamble().getName() + "." + name)));
            return this;
        }

        public TableEntry build() {
            if (action == null) {
                throw new IllegalStateException("a table entry needs an action");
            }
            matches.sort(Comparator.comparingInt(FieldMatch::getFieldId));
            return entry.clearMatch().addAllMatch(matches).setAction(TableAction.newBuilder().setAction(actionBuilder)).build();
        }

        public Entity entity() {
            return P4Entities.entity(build());
        }
    }

    /**
     * What identifies a table entry on the switch (table, match, priority, default or not), with
     * values compared as numbers so that padded and canonical byte strings are the same key.
     */
    public record EntryKey(int tableId, String match, int priority, boolean isDefault) {
        public static EntryKey of(TableEntry e) {
            TreeMap<Integer, String> parts = new TreeMap<>();
            for (FieldMatch m : e.getMatchList()) {
                String v = switch (m.getFieldMatchTypeCase()) {
                    case EXACT -> "e" + BinaryStrings.number(m.getExact().getValue()).toString(16);
                    case LPM -> "l" + BinaryStrings.number(m.getLpm().getValue()).toString(16) + "/" + m.getLpm().getPrefixLen();
                    case TERNARY -> "t" + BinaryStrings.number(m.getTernary().getValue()).toString(16) + "&"
                            + BinaryStrings.number(m.getTernary().getMask()).toString(16);
                    case RANGE -> "r" + BinaryStrings.number(m.getRange().getLow()).toString(16) + "-"
                            + BinaryStrings.number(m.getRange().getHigh()).toString(16);
                    default -> "?" + m.getFieldMatchTypeCase();
                };
                parts.put(m.getFieldId(), v);
            }
            return new EntryKey(e.getTableId(), parts.toString(), e.getPriority(), e.getIsDefaultAction());
        }
    }

    /** True when two entries run the same action with the same parameter values. */
    public static boolean sameAction(TableEntry a, TableEntry b) {
        Action x = a.getAction().getAction();
        Action y = b.getAction().getAction();
        if (x.getActionId() != y.getActionId() || x.getParamsCount() != y.getParamsCount()) {
            return false;
        }
        TreeMap<Integer, java.math.BigInteger> px = new TreeMap<>();
        x.getParamsList().forEach(p -> px.put(p.getParamId(), BinaryStrings.number(p.getValue())));
        TreeMap<Integer, java.math.BigInteger> py = new TreeMap<>();
        y.getParamsList().forEach(p -> py.put(p.getParamId(), BinaryStrings.number(p.getValue())));
        return px.equals(py);
    }
}
