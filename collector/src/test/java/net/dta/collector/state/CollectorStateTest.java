package net.dta.collector.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.store.VectorStores;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.rdma.endpoint.QueuePairState;

class CollectorStateTest {
    @TempDir
    Path dir;

    @Test
    void everythingPersistedIsReadBackAfterReopening() throws Exception {
        QueuePairState qp = new QueuePairState(0x12, new byte[] {10, 0, 0, 1}, 0x103, 0xABCDEF, 3, 1024, 5L, 6L);
        try (CollectorState s = CollectorState.open(dir)) {
            assertEquals(0, s.generation());
            assertEquals(1, s.recordStores(VectorStores.DEFINITIONS));
            s.putStoreRegion(1, new RegionDescriptor(0x7F00_0000_0000L, 8192, new int[] {0x42}));
            s.putCatalogRegion(new RegionDescriptor(0x7EFF_0000_0000L, 672, new int[] {0x43}));
            s.saveQueuePairs(List.of(qp));
        }
        assertTrue(Files.exists(dir.resolve(CollectorState.CLEAN_MARKER)));
        try (CollectorState s = CollectorState.open(dir)) {
            assertFalse(s.recovered());
            assertFalse(Files.exists(dir.resolve(CollectorState.CLEAN_MARKER)), "in use: no clean marker");
            assertEquals(1, s.generation());
            assertEquals(VectorStores.DEFINITIONS, List.copyOf(s.stores().values()));
            assertEquals(new RegionDescriptor(0x7F00_0000_0000L, 8192, new int[] {0x42}), s.storeRegion(1).orElseThrow());
            assertEquals(0x43, s.catalogRegion().orElseThrow().rkeys()[0]);
            QueuePairState got = s.queuePairs().get(0);
            assertEquals(qp.qpn(), got.qpn());
            assertArrayEquals(qp.remoteAddress(), got.remoteAddress());
            assertEquals(qp.expectedPsn(), got.expectedPsn());
            assertEquals(qp.msn(), got.msn());
            assertEquals(qp.localCommId(), got.localCommId());
        }
    }

    @Test
    void theGenerationMovesOnlyWhenTheStoreSetChanges() throws Exception {
        try (CollectorState s = CollectorState.open(dir)) {
            assertEquals(1, s.recordStores(VectorStores.DEFINITIONS));
            assertEquals(1, s.recordStores(VectorStores.DEFINITIONS));
            List<StoreDefinition> changed = new java.util.ArrayList<>(VectorStores.DEFINITIONS);
            changed.set(0, new StoreDefinition(1, "queue-depth", new KeyWriteLayout(11, 8, 2), false));
            assertEquals(2, s.recordStores(changed));
            s.putStoreRegion(5, new RegionDescriptor(1, 16384, new int[] {1}));
            assertEquals(3, s.recordStores(changed.subList(0, 4)), "a removed store");
            assertTrue(s.storeRegion(5).isEmpty(), "the removed store's region is forgotten");
        }
    }

    @Test
    void endedQueuePairsAreRemovedFromTheSavedSet() throws Exception {
        try (CollectorState s = CollectorState.open(dir)) {
            QueuePairState a = new QueuePairState(0x11, new byte[4], 1, 1, 0, 1024, 1, 1);
            QueuePairState b = new QueuePairState(0x12, new byte[4], 2, 2, 0, 1024, 2, 2);
            s.saveQueuePairs(List.of(a, b));
            s.saveQueuePairs(List.of(b));
            assertEquals(List.of(0x12), s.queuePairs().stream().map(QueuePairState::qpn).toList());
        }
    }

    @Test
    void aStateLeftOpenByACrashIsRecovered() throws Exception {
        try (CollectorState s = CollectorState.open(dir)) {
            s.recordStores(VectorStores.DEFINITIONS);
        }
        // What a kill -9 leaves: the map file, no clean marker.
        Files.delete(dir.resolve(CollectorState.CLEAN_MARKER));
        try (CollectorState s = CollectorState.open(dir)) {
            assertTrue(s.recovered());
            assertEquals(1, s.generation());
            assertEquals(5, s.stores().size());
        }
    }
}
