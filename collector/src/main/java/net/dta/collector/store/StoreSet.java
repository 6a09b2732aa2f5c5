package net.dta.collector.store;

import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.layout.StoreDefinition;

/**
 * The collector's own stores: every configured store opened read-write (created when absent).
 * All or nothing: if one store cannot be opened, those already opened are closed again and the
 * error is thrown; files that existed are never modified.
 */
public final class StoreSet extends OpenStores {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSet.class);

    private StoreSet() {
    }

    public static StoreSet open(Path dataDir, List<StoreDefinition> definitions, String configName) throws StoreFileException {
        // Check every existing file first, so that a mismatch in the last store does not leave
        // freshly created files for the first ones behind.
        for (StoreDefinition def : definitions) {
            Path path = StoreFile.pathOf(dataDir, def.name());
            if (java.nio.file.Files.exists(path)) {
                StoreDefinition found = StoreFile.readHeader(path).definition();
                if (!Layouts.sameStore(found, def)) {
                    // openOrCreate builds the full message (both descriptions and the fix).
                    StoreFile.openOrCreate(dataDir, def, configName).close();
                }
            }
        }
        StoreSet set = new StoreSet();
        try {
            java.nio.file.Files.createDirectories(dataDir);
            for (StoreDefinition def : definitions) {
                StoreFile file = StoreFile.openOrCreate(dataDir, def, configName);
                if (!file.created()) {
                    LOG.info("opened store file {} ({})", file.path(), Layouts.describe(def));
                }
                set.add(file);
            }
            return set;
        } catch (StoreFileException | RuntimeException e) {
            set.close();
            throw e;
        } catch (java.io.IOException e) {
            set.close();
            throw new StoreFileException(dataDir, "cannot create the data directory (" + e + "): set data-dir to a writable directory", e);
        }
    }

    /** Flushes every store's dirty pages to its file. */
    public void flush() {
        for (StoreFile f : files()) {
            f.flush();
        }
    }
}
