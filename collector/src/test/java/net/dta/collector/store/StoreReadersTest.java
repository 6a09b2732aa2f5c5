package net.dta.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.protocol.Keys;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;
import net.dta.testkit.ProtocolVectors;

/**
 * The readers over real store files answer the queries of protocol.md section 10, from a
 * read-only opener of the data directory (as another process would).
 */
class StoreReadersTest {
    @TempDir
    Path dir;

    final ProtocolVectors vectors = ProtocolVectors.load();
    final byte[] key = VectorStores.key();

    @BeforeEach
    void writeTheVectorMemory() throws Exception {
        try (StoreSet set = StoreSet.open(dir, VectorStores.DEFINITIONS, "c.yaml")) {
            for (int i = 0; i < VectorStores.DEFINITIONS.size(); i++) {
                VectorStores.fill(VectorStores.PREFIXES.get(i), set.file(VectorStores.DEFINITIONS.get(i).name()).data());
            }
        }
    }

    @Test
    void keyWriteGetReturnsTheValueAndHowManySlotsAgree() throws Exception {
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            KeyWriteStore.Result r = d.keyWrite("queue-depth").get(key);
            assertEquals(vectors.get("kw.query").value("value"), HexFormat.of().formatHex(r.value()));
            assertEquals(vectors.get("kw.query").value("agree"), r.agree() + "/" + r.redundancy());
            assertEquals(1, d.keyWrite("queue-depth").get(key, 1).agree());
            assertFalse(d.keyWrite("queue-depth").get(Keys.parse("ff")).found());
        }
    }

    @Test
    void counterEstimatesAreTheMinimumOverRows() throws Exception {
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            assertEquals(Long.parseLong(vectors.get("ki.query").value("estimate")), d.counters("flow-bytes").estimate(key));
            assertEquals(Long.parseLong(vectors.get("sk.query").value("estimate")), d.counters("heavy-hitters").estimate(key));
            assertEquals(2, d.counters("flow-bytes").counters(key).length);
            assertEquals(0, d.counters("flow-bytes").estimate(Keys.parse("ff")));
        }
    }

    @Test
    void pathsReportEveryHopWithItsValidity() throws Exception {
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            List<PostcardStore.Hop> hops = d.postcards("paths").path(key);
            List<String> expected = vectors.get("pc.query").lines();
            assertEquals(expected.size(), hops.size());
            for (int h = 0; h < hops.size(); h++) {
                PostcardStore.Hop hop = hops.get(h);
                assertEquals(expected.get(h), "hop=" + hop.hop() + " value=" + String.format("%08x", hop.value()) + " valid=" + hop.valid());
            }
        }
    }

    @Test
    void appendReadsFromAPositionWithOverrunCount() throws Exception {
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            AppendReader r = d.append("drops");
            AppendStore.Batch b = r.read(1, 0, 100);
            StringBuilder text = new StringBuilder();
            for (AppendStore.Entry e : b.entries()) {
                text.append("entry pos=").append(e.position()).append(" value=").append(String.format("%08x", e.value())).append('\n');
            }
            text.append("next=").append(b.next()).append(" overrun=").append(b.overrun());
            assertEquals(String.join("\n", vectors.get("ap.query").lines()), text.toString());
            assertEquals(2, r.tail(1));
            assertEquals(0, r.oldest(1));
        }
    }

    @Test
    void askingForTheWrongKindOrAMissingStoreNamesWhatExists() throws Exception {
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.keyWrite("flow-bytes"));
            assertEquals("store \"flow-bytes\" is a key-increment store, not key-write", e.getMessage());
            var missing = assertThrows(java.util.NoSuchElementException.class, () -> d.reader("nope"));
            assertTrue(missing.getMessage().contains("drops, flow-bytes, heavy-hitters, paths, queue-depth"), missing.getMessage());
            assertEquals("paths", d.reader(3).name());
            assertThrows(IllegalArgumentException.class, () -> d.append("drops").read(4, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> d.keyWrite("queue-depth").get(new byte[4]));
        }
    }

    @Test
    void aDirectoryListsStoresAndExplainsFilesThatAreNot() throws Exception {
        Files.writeString(dir.resolve("junk.dta"), "not a store");
        List<StoreDirectory.Listing> listing = StoreDirectory.list(dir);
        assertEquals(6, listing.size());
        StoreDirectory.Listing junk = listing.stream().filter(l -> l.file().getFileName().toString().equals("junk.dta")).findFirst().orElseThrow();
        assertFalse(junk.valid());
        assertTrue(junk.problem().contains("shorter than the 4096-byte store header"), junk.problem());
        try (StoreDirectory d = StoreDirectory.open(dir)) {
            assertEquals(5, d.files().size());
            assertEquals(1, d.problems().size());
        }
    }

    @Test
    void keysParseFromHexAndFiveTuples() {
        assertEquals(HexFormat.of().formatHex(key), Keys.hex(Keys.parse("10.0.0.1:8080->10.0.0.2:80/tcp")));
        assertEquals(HexFormat.of().formatHex(key), Keys.hex(Keys.parse("0a0000010a0000021f90005006")));
        assertEquals("01000000000000000000000000000000", Keys.hex(Keys.parse("0x01")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.parse("10.0.0.1"));
        assertTrue(e.getMessage().contains("5-tuple like"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Keys.parse("10.0.0.1:80->10.0.0.2:99999/tcp"));
    }
}
