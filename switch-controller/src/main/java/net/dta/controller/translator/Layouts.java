package net.dta.controller.translator;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreLayout;

/** Short descriptions of store layouts for status and errors. */
public final class Layouts {
    private Layouts() {
    }

    /** {@link StoreLayout#describe()}, the one description of a layout. */
    public static String describe(StoreLayout layout) {
        return layout.describe();
    }

    public static String describe(StoreDefinition d) {
        return d.kind().configName() + ", " + describe(d.layout()) + (d.countersLittleEndian() ? ", little-endian counters" : "");
    }

    /** Same kind, layout and counter byte order (names may differ only in the error that says so). */
    public static boolean sameShape(StoreDefinition a, StoreDefinition b) {
        return a.layout().equals(b.layout()) && a.countersLittleEndian() == b.countersLittleEndian();
    }
}
