package net.dta.bench;

import java.io.IOException;
import java.nio.file.Path;

import net.dta.collector.store.StoreFileException;
import net.dta.collector.store.StoreSet;
import net.dta.packetio.ChannelOptions;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import net.dta.bench.classic.ChronicleSink;
import net.dta.bench.classic.ClassicCollector;
import net.dta.bench.classic.StoreFileSink;

/** A classic collector on its own loopback address, into store files or Chronicle Maps. */
final class ClassicSetup implements CollectorSetup {
    private final String name;
    private final ClassicCollector collector;
    private final StoreSet stores;
    private final int address;

    private ClassicSetup(String name, ClassicCollector collector, StoreSet stores, int address) {
        this.name = name;
        this.collector = collector;
        this.stores = stores;
        this.address = address;
    }

    /** Store files in {@code dir}; the collector receives on {@code address:40040}. */
    static ClassicSetup storeFiles(Path dir, int address) throws IOException, StoreFileException {
        StoreSet stores = StoreSet.open(dir, BenchStores.STORES, "benchmark");
        try {
            return new ClassicSetup("classic", ClassicCollector.start(address, 40040, new StoreFileSink(stores.files()),
                    ChannelOptions.DEFAULT), stores, address);
        } catch (IOException | RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    /** Chronicle Maps in {@code dir}, sized for {@code keys} keys. */
    static ClassicSetup chronicle(Path dir, int address, long keys) throws IOException {
        ChronicleSink sink = new ChronicleSink(BenchStores.STORES, dir, keys);
        try {
            return new ClassicSetup("chronicle", ClassicCollector.start(address, 40040, sink, ChannelOptions.DEFAULT), null, address);
        } catch (IOException | RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ReporterOptions target() {
        return ReporterOptions.to(address).withPort(collector.port());
    }

    @Override
    public Thread collectorThread() {
        return collector.thread();
    }

    @Override
    public Thread translatorThread() {
        return null;
    }

    @Override
    public long delivered(Primitive p) {
        return collector.applied(p);
    }

    @Override
    public long collectorPackets() {
        return collector.received();
    }

    @Override
    public void close() {
        collector.close();
        if (stores != null) {
            stores.close();
        }
    }
}
