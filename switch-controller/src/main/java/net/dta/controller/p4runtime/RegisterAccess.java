package net.dta.controller.p4runtime;

import java.util.List;

import p4.v1.P4RuntimeOuterClass.Entity;

/**
 * Reads and writes register cells (RegisterEntry entities, as P4Entities builds them). Through
 * P4Runtime on the software translator and Tofino; through BMv2's Thrift service on BMv2, whose
 * P4Runtime server (PI) implements no RegisterEntry read or write (docs/p4.md).
 */
public interface RegisterAccess {
    /** Writes each cell (MODIFY). */
    void write(List<Entity> cells) throws P4RuntimeException;

    /** Answers register queries (one cell, or every cell when the query has no index). */
    List<Entity> read(List<Entity> queries) throws P4RuntimeException;

    /** Register access through the device's own P4Runtime Write and Read RPCs. */
    static RegisterAccess p4runtime(P4RuntimeDevice device) {
        return new RegisterAccess() {
            @Override
            public void write(List<Entity> cells) throws P4RuntimeException {
                List<p4.v1.P4RuntimeOuterClass.Update> updates = new java.util.ArrayList<>();
                for (Entity e : cells) {
                    updates.add(WriteClient.update(p4.v1.P4RuntimeOuterClass.Update.Type.MODIFY, e));
                }
                device.writer().write(updates);
            }

            @Override
            public List<Entity> read(List<Entity> queries) throws P4RuntimeException {
                return device.reader().read(queries);
            }
        };
    }
}
