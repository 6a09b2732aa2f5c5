package net.dta.collector.store;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreLayout;

/** Human descriptions of layouts, for status, listings and mismatch errors. */
public final class Layouts {
    private Layouts() {
    }

    /** {@link StoreLayout#describe()}, the one description of a layout. */
    public static String describe(StoreLayout layout) {
        return layout.describe();
    }

    /** e.g. {@code key-write store id 1 (2^20 slots x 8 B, redundancy 2, big-endian counters)}. */
    public static String describe(StoreDefinition def) {
        return def.kind().configName() + " store id " + def.storeId() + " (" + describe(def.layout())
                + (def.countersLittleEndian() ? ", little-endian counters" : "") + ")";
    }

    /** Whether two definitions describe the same bytes on disk and the same catalog entry. */
    public static boolean sameStore(StoreDefinition a, StoreDefinition b) {
        return a.storeId() == b.storeId() && a.name().equals(b.name()) && a.layout().equals(b.layout())
                && a.countersLittleEndian() == b.countersLittleEndian();
    }

    /** Bytes rounded for people: 4.0 GiB, 512 KiB, 96 B. */
    public static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : (v == Math.rint(v) ? String.format("%.0f %s", v, units[u]) : String.format("%.1f %s", v, units[u]));
    }
}
