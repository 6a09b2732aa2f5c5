package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.collector.Collector;
import net.dta.collector.store.StoreFile;
import net.dta.query.source.StatusSource;

/**
 * Issue 13 item 13: after a store file was refused as corrupt, a query for that store answered
 * "no store named ... (none)"; it now names the refused file and the reason.
 */
class CorruptStoreFileTest {
    @TempDir
    Path dir;

    @Test
    void aQueryForAStoreWhoseFileWasRefusedNamesTheFileAndTheReason() throws Exception {
        Path dataDir;
        try (Collector c = TestCollectors.start(dir, "c1", "127.0.77.9")) {
            dataDir = c.config().dataDir();
        }
        Path file = StoreFile.pathOf(dataDir, "queue-depth");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[] {'N', 'O', 'P', 'E'}); // the header's magic
        }
        try (QueryService service = QueryServices.forDataDir("c1", dataDir, StatusSource.none(), Duration.ofSeconds(1))) {
            QueryException e = assertThrows(QueryException.class, () -> service.keyWrite("queue-depth", "0a", 0, null));
            assertEquals(QueryException.Reason.UNKNOWN_STORE, e.reason());
            assertTrue(e.getMessage().contains("refused " + file), e.getMessage());
            // The other stores are still served.
            assertEquals(0, service.counter("flow-bytes", "0a", null).estimate());
        }
    }
}
