package net.dta.collector.store;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;

/**
 * A set of mapped store files and a typed reader for each: the read API shared by the collector
 * daemon ({@link StoreSet}, read-write) and by other processes ({@link StoreDirectory}, read-only).
 * Look-ups by name or id; asking for the wrong kind is an error naming the store's real kind.
 */
public abstract class OpenStores implements AutoCloseable {
    private final Map<String, StoreFile> byName = new LinkedHashMap<>();
    private final Map<Integer, StoreFile> byId = new LinkedHashMap<>();
    private final Map<String, StoreReader> readers = new LinkedHashMap<>();

    /** Adds a mapped file; the collection owns it from now on. */
    protected final void add(StoreFile file) {
        StoreDefinition def = file.definition();
        byName.put(def.name(), file);
        byId.put(def.storeId(), file);
        readers.put(def.name(), readerFor(def, file.data()));
    }

    /** A typed reader over a data area (also usable on memory that is not a store file, e.g. in tests). */
    public static StoreReader readerFor(StoreDefinition def, MemorySegment data) {
        return switch (def.kind()) {
            case KEY_WRITE -> new KeyWriteReader(def, data);
            case KEY_INCREMENT, SKETCH -> new CounterReader(def, data);
            case POSTCARD -> new PostcardReader(def, data);
            case APPEND -> new AppendReader(def, data);
        };
    }

    /** The store files in the order they were opened. */
    public Collection<StoreFile> files() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public List<StoreDefinition> definitions() {
        List<StoreDefinition> out = new ArrayList<>();
        for (StoreFile f : byName.values()) {
            out.add(f.definition());
        }
        return out;
    }

    public StoreFile file(String name) {
        StoreFile f = byName.get(name);
        if (f == null) {
            throw new NoSuchElementException("no store named \"" + name + "\"; the stores are: " + String.join(", ", byName.keySet()));
        }
        return f;
    }

    public StoreReader reader(String name) {
        file(name);
        return readers.get(name);
    }

    public StoreReader reader(int storeId) {
        StoreFile f = byId.get(storeId);
        if (f == null) {
            throw new NoSuchElementException("no store with id " + storeId + "; the ids are: " + byId.keySet());
        }
        return readers.get(f.definition().name());
    }

    public KeyWriteReader keyWrite(String name) {
        return typed(name, KeyWriteReader.class, "key-write");
    }

    /** Key-Increment or Sketch. */
    public CounterReader counters(String name) {
        return typed(name, CounterReader.class, "key-increment or sketch");
    }

    public PostcardReader postcards(String name) {
        return typed(name, PostcardReader.class, "postcard");
    }

    public AppendReader append(String name) {
        return typed(name, AppendReader.class, "append");
    }

    private <T extends StoreReader> T typed(String name, Class<T> type, String wanted) {
        StoreReader r = reader(name);
        if (!type.isInstance(r)) {
            StoreKind kind = r.definition().kind();
            throw new IllegalArgumentException("store \"" + name + "\" is a " + kind.configName() + " store, not " + wanted);
        }
        return type.cast(r);
    }

    /** Unmaps every file (readers must not be used afterwards). */
    @Override
    public void close() {
        for (StoreFile f : byName.values()) {
            f.close();
        }
        byName.clear();
        byId.clear();
        readers.clear();
    }
}
