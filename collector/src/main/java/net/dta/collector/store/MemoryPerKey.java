package net.dta.collector.store;

import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreKind;

/**
 * The "Memory per key" tables of docs/performance.md, computed from the protocol's layout classes
 * (never typed by hand): {@code MemoryPerKeyDocTest} checks the document against this, and
 * regenerates it with {@code DTA_UPDATE_DOCS=1}.
 */
public final class MemoryPerKey {
    private MemoryPerKey() {
    }

    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("**Key-Write** (protocol.md 4.2). Each write of a key fills N slots; a store of S slots remembers\n")
                .append("about S/N recent keys, so a remembered key costs N x slot bytes.\n\n")
                .append("| value bytes | slot bytes | N = 1 | N = 2 | N = 3 | N = 4 | N = 8 | keys remembered in 1 GiB, N = 1 / 2 / 4 |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (int value : new int[] {4, 12, 28}) {
            KeyWriteLayout one = KeyWriteLayout.forValueBytes(20, value, 1);
            List<String> cells = new ArrayList<>();
            for (int n : new int[] {1, 2, 3, 4, 8}) {
                cells.add(n * KeyWriteLayout.forValueBytes(20, value, n).slotBytes() + " B");
            }
            long slotsPerGiB = (1L << 30) / one.slotBytes();
            b.append("| ").append(value).append(" | ").append(one.slotBytes()).append(" | ").append(String.join(" | ", cells))
                    .append(" | ").append(millions(slotsPerGiB)).append(" / ").append(millions(slotsPerGiB / 2)).append(" / ")
                    .append(millions(slotsPerGiB / 4)).append(" |\n");
        }
        b.append("\n**Key-Increment and Sketch** (4.3, 4.7). Counters are shared by all keys: the store costs\n")
                .append("rows x columns x 8 bytes whatever the number of keys; each key touches one 8-byte counter per row.\n\n")
                .append("| rows | bytes touched per key | store, 2^16 columns | store, 2^20 columns |\n")
                .append("|---|---|---|---|\n");
        for (int rows : new int[] {1, 2, 3, 4, 8}) {
            CounterLayout small = new CounterLayout(StoreKind.KEY_INCREMENT, rows, 16);
            CounterLayout large = new CounterLayout(StoreKind.KEY_INCREMENT, rows, 20);
            b.append("| ").append(rows).append(" | ").append(rows * 8).append(" B | ").append(Layouts.bytes(small.dataLength()))
                    .append(" | ").append(Layouts.bytes(large.dataLength())).append(" |\n");
        }
        b.append("\n**Postcard** (4.5). One row per flow; a row has room for the hops rounded up to a power of two,\n")
                .append("8 bytes per hop (4-byte value, 4-byte check).\n\n")
                .append("| hops | row bytes = bytes per flow | bytes per reported hop | flows in 1 GiB |\n")
                .append("|---|---|---|---|\n");
        for (int hops = 1; hops <= PostcardLayout.MAX_HOPS; hops++) {
            PostcardLayout p = new PostcardLayout(20, hops);
            b.append("| ").append(hops).append(" | ").append(p.rowBytes()).append(" B | ")
                    .append(String.format("%.1f B", (double) p.rowBytes() / hops)).append(" | ")
                    .append(millions((1L << 30) / p.rowBytes())).append(" |\n");
        }
        b.append("\n**Append** (4.6). Every entry is ").append(AppendLayout.ENTRY_BYTES)
                .append(" bytes (4-byte sequence, 4-byte value), kept until the ring wraps.\n\n")
                .append("| entries per list | bytes per list | entries in 1 GiB |\n")
                .append("|---|---|---|\n");
        for (int log2 : new int[] {10, 16, 20}) {
            AppendLayout a = new AppendLayout(1, log2);
            b.append("| 2^").append(log2).append(" | ").append(Layouts.bytes(a.dataLength())).append(" | ")
                    .append(millions((1L << 30) / AppendLayout.ENTRY_BYTES)).append(" |\n");
        }
        b.append("\nEvery store file adds one 4096-byte header page. Files are sparse: pages never written use no memory\n")
                .append("or disk, so these are upper bounds reached as the stores fill.\n");
        return b.toString();
    }

    /** A count as 2^k (all counts here are powers of two) with its decimal value. */
    private static String millions(long n) {
        return Long.bitCount(n) == 1 ? String.format("2^%d (%,d)", Long.numberOfTrailingZeros(n), n) : String.format("%,d", n);
    }
}
