package net.dta.translator.p4runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import net.dta.p4.BinaryStrings;
import net.dta.translator.pipeline.Counters;
import net.dta.translator.pipeline.Pipeline;
import net.dta.translator.pipeline.Registers;
import net.dta.translator.pipeline.Row;
import net.dta.translator.pipeline.Schema;
import net.dta.translator.pipeline.Tables;
import p4.config.v1.P4InfoOuterClass;
import p4.v1.P4DataOuterClass.P4Data;
import p4.v1.P4RuntimeOuterClass.CounterData;
import p4.v1.P4RuntimeOuterClass.CounterEntry;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.Index;
import p4.v1.P4RuntimeOuterClass.RegisterEntry;
import p4.v1.P4RuntimeOuterClass.TableEntry;

/**
 * The Read RPC's entities (translator-control.md 4): table entries (one, one table's, or all, and
 * the default entries), register cells and counter cells (one index or all), and the replication
 * entries written before. Reads the pipeline's published state; takes no lock of its own.
 */
final class ReadPath {
    private final Schema schema;
    private final Pipeline pipeline;
    private final EntityCodec codec;

    ReadPath(Schema schema, Pipeline pipeline, EntityCodec codec) {
        this.schema = schema;
        this.pipeline = pipeline;
        this.codec = codec;
    }

    /** What the query entities select, in order; the tables of one snapshot for the whole request. */
    List<Entity> read(List<Entity> queries, Map<Long, Entity> replication) throws P4Error {
        List<Entity> out = new ArrayList<>();
        Tables tables = pipeline.tables();
        for (Entity query : queries) {
            switch (query.getEntityCase()) {
                case TABLE_ENTRY -> readTables(query.getTableEntry(), tables, out);
                case REGISTER_ENTRY -> readRegisters(query.getRegisterEntry(), out);
                case COUNTER_ENTRY -> readCounters(query.getCounterEntry(), out);
                case PACKET_REPLICATION_ENGINE_ENTRY -> out.addAll(replication.values());
                default -> throw new P4Error(Status.Code.UNIMPLEMENTED, "the translator pipeline has no "
                        + query.getEntityCase() + " to read");
            }
        }
        return out;
    }

    private void readTables(TableEntry query, Tables tables, List<Entity> out) throws P4Error {
        if (query.getTableId() == 0) {
            for (P4InfoOuterClass.Table t : codec.allTables()) {
                for (Row r : tables.rows(t.getPreamble().getId())) {
                    out.add(Entity.newBuilder().setTableEntry(r.entry()).build());
                }
            }
            return;
        }
        P4InfoOuterClass.Table t = codec.table(query.getTableId());
        if (query.getIsDefaultAction()) {
            TableEntry d = t.getPreamble().getId() == schema.tSettings && tables.settingsEntry() != null
                    ? tables.settingsEntry() : codec.defaultEntry(t, tables.settings());
            out.add(Entity.newBuilder().setTableEntry(d).build());
            return;
        }
        if (query.getMatchCount() > 0) {
            Row r = tables.row(t.getPreamble().getId(), codec.key(t, query));
            if (r != null) {
                out.add(Entity.newBuilder().setTableEntry(r.entry()).build());
            }
            return;
        }
        for (Row r : tables.rows(t.getPreamble().getId())) {
            out.add(Entity.newBuilder().setTableEntry(r.entry()).build());
        }
    }

    private void readRegisters(RegisterEntry query, List<Entity> out) throws P4Error {
        int[] which = query.getRegisterId() == 0
                ? new int[] {Registers.NEXT_PSN, Registers.LAST_ACKED_PSN, Registers.QP_UP, Registers.LOST_PACKETS, Registers.APPEND_TAIL}
                : new int[] {codec.register(query.getRegisterId())};
        Registers regs = pipeline.registers();
        for (int r : which) {
            int size = regs.size(r);
            int from = from(query.hasIndex(), query.getIndex().getIndex(), size, WritePath.registerName(r) + ": index");
            for (int i = from, to = query.hasIndex() ? from + 1 : size; i < to; i++) {
                out.add(Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder().setRegisterId(codec.registerId(r))
                        .setIndex(Index.newBuilder().setIndex(i))
                        .setData(P4Data.newBuilder().setBitstring(BinaryStrings.canonical(regs.get(r, i) & 0xFFFF_FFFFL)))).build());
            }
        }
    }

    private void readCounters(CounterEntry query, List<Entity> out) throws P4Error {
        int[] which = query.getCounterId() == 0 ? new int[] {Counters.REPORTS, Counters.DROPS, Counters.QP_SENT, Counters.QP_ACKS,
                Counters.QP_NAKS, Counters.QP_RESYNCS, Counters.QP_PROBES} : new int[] {codec.counter(query.getCounterId())};
        Counters counters = pipeline.counters();
        for (int c : which) {
            int size = counters.size(c);
            int from = from(query.hasIndex(), query.getIndex().getIndex(), size, "counter index");
            for (int i = from, to = query.hasIndex() ? from + 1 : size; i < to; i++) {
                out.add(Entity.newBuilder().setCounterEntry(CounterEntry.newBuilder().setCounterId(codec.counterId(c))
                        .setIndex(Index.newBuilder().setIndex(i))
                        .setData(CounterData.newBuilder().setPacketCount(counters.packets(c, i)).setByteCount(counters.bytes(c, i))))
                        .build());
            }
        }
    }

    /** The first index a query reads: its index (OUT_OF_RANGE outside the array), or 0 when it reads all. */
    private static int from(boolean hasIndex, long index, int size, String what) throws P4Error {
        if (!hasIndex) {
            return 0;
        }
        if (index < 0 || index >= size) {
            throw new P4Error(Status.Code.OUT_OF_RANGE, what + " " + index + " is outside 0.." + (size - 1));
        }
        return (int) index;
    }
}
