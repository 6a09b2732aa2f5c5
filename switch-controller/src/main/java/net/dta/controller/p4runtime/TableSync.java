package net.dta.controller.p4runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.dta.controller.p4runtime.P4Entities.EntryKey;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.TableEntry;
import p4.v1.P4RuntimeOuterClass.Update;

/**
 * Keeps the entries of the tables a controller owns equal to a desired set: a shadow of what the
 * switch holds (read from it, or empty after a fresh pipeline), and a diff applied as deletes
 * (tables in reverse order) then inserts and modifies (tables in order), one batch per table. A
 * failed write invalidates the shadow, so that the next apply reads the switch again. Not
 * thread-safe: callers serialise.
 */
public final class TableSync {
    private static final int WRITE_BATCH = 1024;

    private final P4RuntimeDevice device;
    private final List<String> tableOrder;
    private final Map<EntryKey, TableEntry> shadow = new HashMap<>();
    private boolean valid;
    private long writes;
    private long failures;

    /** @param tableOrder the owned tables, in the order their entries are added */
    public TableSync(P4RuntimeDevice device, List<String> tableOrder) {
        this.device = device;
        this.tableOrder = List.copyOf(tableOrder);
    }

    /** After a fresh pipeline: the switch holds nothing. */
    public void clear() {
        shadow.clear();
        valid = true;
    }

    /** Reads the owned tables from the switch (default entries are not read: they are always rewritten once). */
    public void load() throws P4RuntimeException {
        List<Entity> queries = new ArrayList<>();
        for (String t : tableOrder) {
            queries.add(device.entities().tableQuery(t));
        }
        List<Entity> found = device.reader().read(queries);
        shadow.clear();
        for (Entity e : found) {
            if (e.hasTableEntry() && !e.getTableEntry().getIsDefaultAction()) {
                TableEntry te = e.getTableEntry().toBuilder().clearCounterData().clearMeterConfig().build();
                shadow.put(EntryKey.of(te), te);
            }
        }
        valid = true;
    }

    public boolean valid() {
        return valid;
    }

    /** What the switch is believed to hold. */
    public Map<EntryKey, TableEntry> entries() {
        return shadow;
    }

    /** Writes the difference between the shadow and {@code desired}; returns the number of Write RPCs. */
    public int apply(Map<EntryKey, TableEntry> desired) throws P4RuntimeException {
        if (!valid) {
            load();
        }
        Map<Integer, Integer> order = new HashMap<>();
        for (int i = 0; i < tableOrder.size(); i++) {
            order.put(device.entities().tableId(tableOrder.get(i)), i);
        }
        TreeMap<Integer, List<Update>> deletes = new TreeMap<>();
        TreeMap<Integer, List<Update>> puts = new TreeMap<>();
        for (Map.Entry<EntryKey, TableEntry> e : shadow.entrySet()) {
            Integer o = order.get(e.getKey().tableId());
            if (o != null && !desired.containsKey(e.getKey()) && !e.getKey().isDefault()) {
                deletes.computeIfAbsent(-o, k -> new ArrayList<>()).add(WriteClient.update(Update.Type.DELETE, P4Entities.entity(e.getValue())));
            }
        }
        for (Map.Entry<EntryKey, TableEntry> e : desired.entrySet()) {
            TableEntry now = shadow.get(e.getKey());
            if (now != null && P4Entities.sameAction(now, e.getValue())) {
                continue;
            }
            Update.Type type = now == null && !e.getKey().isDefault() ? Update.Type.INSERT : Update.Type.MODIFY;
            Integer o = order.get(e.getKey().tableId());
            if (o == null) {
                throw new IllegalArgumentException("table id " + e.getKey().tableId() + " is not one of " + tableOrder);
            }
            puts.computeIfAbsent(o, k -> new ArrayList<>()).add(WriteClient.update(type, P4Entities.entity(e.getValue())));
        }
        int rpcs = 0;
        try {
            for (List<Update> batch : deletes.values()) {
                rpcs += write(batch);
                batch.forEach(u -> shadow.remove(EntryKey.of(u.getEntity().getTableEntry())));
            }
            for (List<Update> batch : puts.values()) {
                rpcs += write(batch);
                batch.forEach(u -> shadow.put(EntryKey.of(u.getEntity().getTableEntry()), u.getEntity().getTableEntry()));
            }
        } catch (P4RuntimeException e) {
            valid = false;
            failures++;
            throw e;
        }
        return rpcs;
    }

    private int write(List<Update> batch) throws P4RuntimeException {
        int rpcs = 0;
        for (int i = 0; i < batch.size(); i += WRITE_BATCH) {
            device.writer().apply(batch.subList(i, Math.min(batch.size(), i + WRITE_BATCH)));
            writes++;
            rpcs++;
        }
        return rpcs;
    }

    /** Write RPCs sent. */
    public long writes() {
        return writes;
    }

    /** Applies that failed. */
    public long failures() {
        return failures;
    }
}
