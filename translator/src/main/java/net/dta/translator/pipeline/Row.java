package net.dta.translator.pipeline;

import java.util.Arrays;

import p4.v1.P4RuntimeOuterClass.TableEntry;

/**
 * One table entry as stored: its key, its action and parameter values (every parameter of the
 * translator's actions fits 64 bits), and the canonical P4Runtime form that Read returns.
 */
public record Row(int tableId, Key key, int actionId, long[] params, TableEntry entry) {
    public Row {
        params = params.clone();
    }

    public long param(int i) {
        return params[i];
    }

    @Override
    public long[] params() {
        return params.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.tableId == tableId && r.key.equals(key) && r.actionId == actionId
                && Arrays.equals(r.params, params) && r.entry.equals(entry);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + actionId;
    }
}
