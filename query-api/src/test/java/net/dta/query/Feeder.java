package net.dta.query;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import net.dta.collector.process.TestRequester;
import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.CatalogEntry;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.CounterStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;

/**
 * Writes into a running collector the way a translator does (protocol.md section 6): connects a
 * queue pair through RDMA CM, reads the catalog with an RDMA READ, then sends RoCEv2 WRITEs and
 * FETCH_ADDs over loopback UDP (the collector test jar's {@link TestRequester}). Each operation
 * waits for the collector's acknowledgement.
 */
final class Feeder implements AutoCloseable {
    private final TestRequester requester;
    private final Map<String, CatalogEntry> stores = new LinkedHashMap<>();
    private final Map<String, Long> tails = new HashMap<>();
    private final DtaHash hash = new DtaHash();

    private Feeder(TestRequester requester) {
        this.requester = requester;
    }

    static Feeder connect(String localIp, String collectorIp, int localQpn) throws IOException {
        TestRequester r = new TestRequester(localIp, collectorIp, localQpn);
        try {
            ConnectReplyData rep = r.connect(40041, 0x000100);
            Feeder f = new Feeder(r);
            for (CatalogEntry e : Catalog.decode(r.read(rep.catalogVa(), rep.catalogRkey(), rep.catalogLength())).entries()) {
                f.stores.put(e.definition().name(), e);
            }
            return f;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void write(CatalogEntry e, long offset, byte[] bytes) throws IOException {
        int syndrome = requester.write(e.va() + offset, e.rkeyFor(offset), bytes);
        if (syndrome != 0x1F) {
            throw new IOException("WRITE into " + e.definition().name() + " answered with syndrome 0x" + Integer.toHexString(syndrome));
        }
    }

    /** Key-Write with the store's default redundancy. */
    void keyWrite(String store, byte[] key, byte[] value) throws IOException {
        CatalogEntry e = stores.get(store);
        KeyWriteLayout l = (KeyWriteLayout) e.definition().layout();
        byte[] slot = new byte[l.slotBytes()];
        KeyWriteStore.encodeSlot(hash, key, value, 0, value.length, MemorySegment.ofArray(slot), 0);
        for (int i = 0; i < l.defaultRedundancy(); i++) {
            write(e, KeyWriteStore.slotOffset(hash, l, key, i), slot);
        }
    }

    void keyWrite(String store, byte[] key, int value) throws IOException {
        keyWrite(store, key, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** Key-Increment (all rows) or a Sketch-Merge of a key's counters (one per row). */
    void increment(String store, byte[] key, long delta) throws IOException {
        CatalogEntry e = stores.get(store);
        CounterLayout l = (CounterLayout) e.definition().layout();
        for (int r = 0; r < l.rows(); r++) {
            long off = CounterStore.counterOffset(hash, l, key, r);
            requester.fetchAdd(e.va() + off, e.rkeyFor(off), delta);
        }
    }

    /** One counter of a sketch. */
    void sketchCounter(String store, int row, long column, long delta) throws IOException {
        CatalogEntry e = stores.get(store);
        long off = ((CounterLayout) e.definition().layout()).counterOffset(row, column);
        requester.fetchAdd(e.va() + off, e.rkeyFor(off), delta);
    }

    /** A flow's row with hops 0..values.length-1. */
    void path(String store, byte[] key, int... values) throws IOException {
        CatalogEntry e = stores.get(store);
        PostcardLayout l = (PostcardLayout) e.definition().layout();
        int[] all = new int[l.hops()];
        System.arraycopy(values, 0, all, 0, values.length);
        byte[] row = new byte[l.rowBytes()];
        PostcardStore.encodeRow(hash, l, key, (1 << values.length) - 1, all, MemorySegment.ofArray(row), 0);
        write(e, PostcardStore.rowOffset(hash, l, key), row);
    }

    /** Appends entries to a list, one WRITE each (batch 1), continuing this feeder's tail. */
    void append(String store, int list, int... values) throws IOException {
        CatalogEntry e = stores.get(store);
        AppendLayout l = (AppendLayout) e.definition().layout();
        for (int v : values) {
            long p = tails.merge(store + "/" + list, 1L, Long::sum) - 1;
            byte[] entry = new byte[8];
            AppendStore.encodeEntry(p, v, MemorySegment.ofArray(entry), 0);
            write(e, l.entryOffset(list, p), entry);
        }
    }

    @Override
    public void close() {
        requester.close();
    }
}
