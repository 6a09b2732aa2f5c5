package net.dta.query.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * The answers of the query operations, independent of the transport: the HTTP API serialises them
 * as JSON (snake_case, {@link QueryJson}), the gRPC service maps them to the messages of
 * {@code dta/query/v1/query.proto} with the same field names. Unsigned 64-bit numbers are held in
 * {@code long} and written unsigned.
 */
public final class Answers {
    private Answers() {
    }

    /**
     * Key-Write get.
     *
     * @param valueHex the value as hex, null when not found
     * @param valueUint the value as an unsigned number when it is 4 bytes, else null
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record KeyWrite(String store, String keyHex, boolean found, String valueHex, Long valueUint, int agree, int redundancy,
                           String collector) {
    }

    /** Key-Write get of many keys: one answer per key, in the order asked. */
    public record KeyWriteMany(String store, List<KeyWrite> answers) {
        public KeyWriteMany {
            answers = List.copyOf(answers);
        }
    }

    /** A key's counter in one row of a Count-Min store. */
    public record RowCounter(int row, long column, @JsonSerialize(using = QueryJson.Unsigned.class) long counter, String collector) {
    }

    /** Key-Increment or Sketch estimate. */
    public record Counter(String store, String kind, String keyHex, @JsonSerialize(using = QueryJson.Unsigned.class) long estimate,
                          List<RowCounter> rows, List<String> collectors) {
        public Counter {
            rows = List.copyOf(rows);
            collectors = List.copyOf(collectors);
        }
    }

    /**
     * One hop of a path; switchId and queueDepth decode the value by the reporters' convention
     * {@code switch id << 24 | queue depth} (not part of the protocol).
     */
    public record Hop(int index, long value, boolean valid, int switchId, int queueDepth) {
        public static Hop of(int index, long value, boolean valid) {
            return new Hop(index, value, valid, (int) (value >>> 24) & 0xFF, (int) (value & 0xFF_FFFF));
        }
    }

    public record Path(String store, String keyHex, String collector, List<Hop> hops, int validHops) {
        public Path {
            hops = List.copyOf(hops);
        }
    }

    public record AppendEntry(long position, long value) {
    }

    /** Append read or one follow step. */
    public record Append(String store, int list, String collector, long fromPosition, List<AppendEntry> entries, long nextPosition,
                         long overrun) {
        public Append {
            entries = List.copyOf(entries);
        }
    }

    /** Layout parameters; fields of other kinds are 0. */
    public record Layout(long slots, int slotBytes, int valueBytes, int defaultRedundancy, int rows, long columns, long postcardRows,
                         int hops, int rowBytes, int lists, long entriesPerList) {
    }

    /**
     * A store; when no collector holding it could be read, its layout is unknown: {@code problem}
     * says why and the layout fields are empty.
     */
    public record StoreInfo(String name, int id, String kind, String layout, long capacity, long dataBytes, List<String> collectors,
                            Layout parameters, boolean countersLittleEndian, String problem) {
        public StoreInfo {
            collectors = List.copyOf(collectors);
        }
    }

    public record Stores(List<StoreInfo> stores) {
        public Stores {
            stores = List.copyOf(stores);
        }
    }
}
