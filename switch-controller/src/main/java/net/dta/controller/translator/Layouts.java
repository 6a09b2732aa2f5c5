package net.dta.controller.translator;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreLayout;

/** Short descriptions of store layouts for status and errors. */
public final class Layouts {
    private Layouts() {
    }

    public static String describe(StoreLayout layout) {
        return switch (layout) {
            case KeyWriteLayout k -> "2^" + k.log2Slots() + " slots of " + k.slotBytes() + " B, N=" + k.defaultRedundancy();
            case CounterLayout c -> c.rows() + " rows x 2^" + c.log2Columns() + " columns";
            case PostcardLayout p -> "2^" + p.log2Rows() + " rows, " + p.hops() + " hops";
            case AppendLayout a -> a.lists() + " lists x 2^" + a.log2Entries() + " entries";
        };
    }

    public static String describe(StoreDefinition d) {
        return d.kind().configName() + ", " + describe(d.layout()) + (d.countersLittleEndian() ? ", little-endian counters" : "");
    }

    /** Same kind, layout and counter byte order (names may differ only in the error that says so). */
    public static boolean sameShape(StoreDefinition a, StoreDefinition b) {
        return a.layout().equals(b.layout()) && a.countersLittleEndian() == b.countersLittleEndian();
    }
}
