package net.dta.collector.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.testkit.ProtocolVectors;

/** The five stores of protocol.md section 10 and their memory dumps, for tests. */
public final class VectorStores {
    public static final List<StoreDefinition> DEFINITIONS = List.of(
            new StoreDefinition(1, "queue-depth", new KeyWriteLayout(10, 8, 2), false),
            new StoreDefinition(2, "flow-bytes", new CounterLayout(StoreKind.KEY_INCREMENT, 2, 10), false),
            new StoreDefinition(3, "paths", new PostcardLayout(8, 5), false),
            new StoreDefinition(4, "drops", new AppendLayout(4, 4), false),
            new StoreDefinition(5, "heavy-hitters", new CounterLayout(StoreKind.SKETCH, 2, 10), false));
    /** Vector prefix of each store, in DEFINITIONS order. */
    public static final List<String> PREFIXES = List.of("kw", "ki", "pc", "ap", "sk");

    private VectorStores() {
    }

    public static byte[] key() {
        return HexFormat.of().parseHex(ProtocolVectors.load().get("hash").value("key"));
    }

    /** Writes the vector's memory dump of a store into its data area. */
    public static void fill(String prefix, MemorySegment data) {
        for (Map.Entry<Long, byte[]> run : ProtocolVectors.load().get(prefix + ".memory").memory().entrySet()) {
            MemorySegment.copy(run.getValue(), 0, data, ValueLayout.JAVA_BYTE, run.getKey(), run.getValue().length);
        }
    }
}
