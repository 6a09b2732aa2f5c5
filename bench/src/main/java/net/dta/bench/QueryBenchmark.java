package net.dta.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import net.dta.collector.store.HugePages;
import net.dta.collector.store.KeyWriteReader;
import net.dta.collector.store.StoreDirectory;
import net.dta.collector.store.StoreFile;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.query.QueryServer;
import net.dta.query.QueryService;
import net.dta.query.QueryServices;
import net.dta.query.source.StatusSource;
import net.dta.query.v1.KeyWriteGetRequest;
import net.dta.query.v1.QueryServiceGrpc;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The query benchmark of docs/performance.md ("Queries"), in one run:
 *
 * <ol>
 *   <li>Key-Write gets per second on a store file of 2^log2Slots 8-byte slots (1 GiB by default)
 *       holding {@code keys} keys written with redundancy 2, against Chronicle Map {@code get} on
 *       the same keys (a persisted map, key 16 bytes, value 4 bytes), in alternating rounds; the
 *       DTA side read through the collector's reader over the file mapped read-only (what the query
 *       service does per query) and through the whole query operation ({@link QueryService#keyWrite},
 *       key text in, answer record out);</li>
 *   <li>query latency over HTTP and gRPC (p50, p99, p99.9 of sequential requests on loopback), with
 *       no ingest and while an ingest thread writes Key-Write slots into the same mapped store at a
 *       stated rate: the bytes a translator's RDMA WRITEs put there, written by a CPU thread in
 *       place of the NIC's DMA (the responder's own cost per packet is measured in "Responder
 *       ingest").</li>
 * </ol>
 */
public final class QueryBenchmark {
    /** Settings; see {@code query bench --help}. */
    public record Settings(Path dir, int log2Slots, int keys, double seconds, int rounds, int latencyRequests, long ingestRate) {
    }

    private final Settings s;
    private final PrintWriter out;
    private final DtaHash hash = new DtaHash();
    private byte[][] keys;

    public QueryBenchmark(Settings settings, PrintWriter out) {
        this.s = settings;
        this.out = out;
    }

    public void run() throws Exception {
        Files.createDirectories(s.dir());
        StoreDefinition def = new StoreDefinition(1, "bench-kw", new KeyWriteLayout(s.log2Slots(), 8, 2), false);
        Path storePath = StoreFile.pathOf(s.dir(), def.name());
        Files.deleteIfExists(storePath);
        keys = new byte[s.keys()][];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new byte[DtaHash.KEY_BYTES];
            random.nextBytes(keys[i]);
        }
        out.printf(Locale.ROOT, "Key-Write store: %s slots x 8 B = %s, redundancy 2, %,d keys; Chronicle Map with the same keys%n",
                "2^" + s.log2Slots(), bytes(def.layout().dataLength()), keys.length);
        try (StoreFile writable = StoreFile.openOrCreate(s.dir(), def, "the benchmark")) {
            long t0 = System.nanoTime();
            fill(writable.data(), (KeyWriteLayout) def.layout(), 0, keys.length);
            out.printf(Locale.ROOT, "  wrote the keys into the store in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Path mapFile = s.dir().resolve("chronicle.dat");
            Files.deleteIfExists(mapFile);
            try (ChronicleMap<byte[], Integer> map = ChronicleMap.of(byte[].class, Integer.class).name("bench")
                    .averageKeySize(DtaHash.KEY_BYTES).entries(keys.length).createPersistedTo(mapFile.toFile());
                 StoreDirectory dir = StoreDirectory.open(s.dir());
                 QueryService service = QueryServices.forDataDir("bench", s.dir(), StatusSource.none(), Duration.ofHours(1))) {
                t0 = System.nanoTime();
                for (int i = 0; i < keys.length; i++) {
                    map.put(keys[i], i);
                }
                out.printf(Locale.ROOT, "  put the keys into Chronicle Map in %.1f s (%s file)%n", (System.nanoTime() - t0) / 1e9,
                        bytes(Files.size(mapFile)));
                gets(dir.keyWrite(def.name()), map, service);
                // After the gets touched the reader's mapping: what backs it (docs/collector.md, "Huge pages").
                out.printf(Locale.ROOT, "  the reader's mapping of the store: %s of %s on 2 MiB pages (transparent huge pages: %s%s)%n",
                        bytes(dir.file(def.name()).hugePageBytes()), bytes(Files.size(StoreFile.pathOf(s.dir(), def.name()))),
                        HugePages.kernelMode(), "false".equals(System.getProperty("dta.huge-pages")) ? "; -Ddta.huge-pages=false" : "");
                latency(service, writable.data(), (KeyWriteLayout) def.layout());
            } finally {
                Files.deleteIfExists(mapFile);
            }
        } finally {
            Files.deleteIfExists(storePath);
        }
    }

    /** Writes keys [from, to) as the translator does (protocol.md 6.1): tag || value into N slots. */
    private void fill(MemorySegment data, KeyWriteLayout layout, int from, int to) {
        byte[] value = new byte[4];
        for (int i = from; i < to; i++) {
            value[0] = (byte) (i >>> 24);
            value[1] = (byte) (i >>> 16);
            value[2] = (byte) (i >>> 8);
            value[3] = (byte) i;
            for (int r = 0; r < layout.defaultRedundancy(); r++) {
                KeyWriteStore.encodeSlot(hash, keys[i], value, 0, 4, data, KeyWriteStore.slotOffset(hash, layout, keys[i], r));
            }
        }
    }

    /** A get under test: returns something that depends on the answer (kept, so nothing is optimised away). */
    @FunctionalInterface
    private interface Get {
        long get(int keyIndex);
    }

    private void gets(KeyWriteReader reader, ChronicleMap<byte[], Integer> map, QueryService service) {
        byte[] valueOut = new byte[4];
        String[] hex = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            hex[i] = HexFormat.of().formatHex(keys[i]);
        }
        Get dtaReader = i -> reader.get(keys[i], 2, valueOut) == 0 ? -1 : valueOut[3];
        Get dtaService = i -> {
            Long v = service.keyWrite("bench-kw", hex[i], 0, "").valueUint();
            return v == null ? -1 : v;
        };
        // Batches of 16 keys (the next 16 of the access order): one call reads them all.
        byte[][] batch = new byte[16][];
        int[] batchValues = new int[16];
        int[] batchAgree = new int[16];
        java.util.List<String> batchHex = new java.util.ArrayList<>(16);
        int[] cursor = {0};
        Get dtaReaderBatch = i -> {
            if ((cursor[0]++ & 15) != 0) {
                return 0; // the keys of this slot of the batch were read by the call at its first slot
            }
            for (int b = 0; b < 16; b++) {
                batch[b] = keys[(i + b * 7919) % keys.length];
            }
            reader.getMany(batch, 16, 2, batchValues, batchAgree);
            return batchValues[0] + batchAgree[15];
        };
        Get dtaServiceBatch = i -> {
            if ((cursor[0]++ & 15) != 0) {
                return 0;
            }
            batchHex.clear();
            for (int b = 0; b < 16; b++) {
                batchHex.add(hex[(i + b * 7919) % keys.length]);
            }
            return service.keyWriteMany("bench-kw", batchHex, 0, "").answers().get(15).agree();
        };
        Get chronicle = i -> {
            Integer v = map.get(keys[i]);
            return v == null ? -1 : v;
        };
        // Answers must be right before they are fast.
        long found = 0;
        for (int i = 0; i < keys.length; i += 97) {
            reader.get(keys[i], 2, valueOut);
            found += ((valueOut[0] & 0xFF) << 24 | (valueOut[1] & 0xFF) << 16 | (valueOut[2] & 0xFF) << 8 | (valueOut[3] & 0xFF)) == i ? 1 : 0;
            if (map.get(keys[i]) != i) {
                throw new IllegalStateException("Chronicle Map lost key " + i);
            }
        }
        out.printf(Locale.ROOT, "  Key-Write answers checked on a sample: %.2f %% of the keys still readable (the rest overwritten "
                + "by later keys, as 1-(1-e^(-Nk/S))^N predicts)%n", 100.0 * found / ((keys.length + 96) / 97));
        int[] order = new int[1 << 20];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < order.length; i++) {
            order[i] = random.nextInt(keys.length);
        }
        Get[] gets = {dtaReader, dtaService, dtaReaderBatch, dtaServiceBatch, chronicle};
        double[][] wall = new double[gets.length][s.rounds()];
        double[][] cpu = new double[gets.length][s.rounds()];
        for (int round = 0; round < s.rounds(); round++) {
            for (int g = 0; g < gets.length; g++) {
                Rate r = measure(gets[g], order);
                wall[g][round] = r.wall();
                cpu[g][round] = r.cpu();
            }
        }
        out.println();
        out.printf(Locale.ROOT, "gets/s, one thread, random keys, median of %d rounds of %.1f s (rounds alternate); per wall-clock second "
                + "and per second of the thread's CPU time:%n", s.rounds(), s.seconds());
        out.printf(Locale.ROOT, "  %-46s %12s %8s %14s %8s%n", "get", "gets/s", "vs map", "gets/cpu-s", "vs map");
        String[] names = {"DTA Key-Write, collector reader (N = 2)", "DTA Key-Write, query operation (hex key text)",
                "DTA Key-Write, reader, 16 keys per call", "DTA Key-Write, query kw-get-many, 16 per call", "Chronicle Map get"};
        int baseline = gets.length - 1;
        for (int g = 0; g < gets.length; g++) {
            out.printf(Locale.ROOT, "  %-46s %,12.0f %7.2fx %,14.0f %7.2fx%n", names[g], median(wall[g]), median(wall[g]) / median(wall[baseline]),
                    median(cpu[g]), median(cpu[g]) / median(cpu[baseline]));
        }
        for (int g = 0; g < gets.length; g++) {
            out.printf(Locale.ROOT, "  rounds (wall) %-46s %s%n", names[g] + ":", list(wall[g]));
        }
    }

    /** Gets per wall-clock second and per second of this thread's CPU time (what the get costs, whatever else runs). */
    private record Rate(double wall, double cpu) {
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private Rate measure(Get get, int[] order) {
        long sink = 0;
        long n = 0;
        long warm = System.nanoTime() + (long) (0.3e9);
        for (int i = 0; System.nanoTime() < warm; i = (i + 1) & (order.length - 1)) {
            sink += get.get(order[i]);
        }
        long start = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long end = start + (long) (s.seconds() * 1e9);
        int i = 0;
        long now;
        do {
            for (int j = 0; j < 1024; j++) {
                sink += get.get(order[i]);
                i = (i + 1) & (order.length - 1);
            }
            n += 1024;
            now = System.nanoTime();
        } while (now < end);
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        if (sink == 42) {
            out.print("");
        }
        return new Rate(n / ((now - start) / 1e9), n / (cpu / 1e9));
    }

    private void latency(QueryService service, MemorySegment data, KeyWriteLayout layout) throws Exception {
        out.println();
        out.printf(Locale.ROOT, "query latency over loopback, sequential requests, one client thread, %,d requests each:%n",
                s.latencyRequests());
        out.printf(Locale.ROOT, "  %-5s %-24s %9s %9s %9s %9s %12s%n", "api", "ingest", "p50 us", "p99 us", "p99.9 us", "req/s",
                "ingest/s");
        // The service owns nothing here that the benchmark still needs: it is closed with the server.
        QueryService shared = service;
        try (QueryServer server = QueryServer.start(shared, new QueryServer.Options(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), false, null))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(server.grpcAddress()).usePlaintext().build();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://" + QueryServer.hostPort(server.httpAddress()) + "/api/v1/stores/bench-kw/kw?key=";
            try {
                QueryServiceGrpc.QueryServiceBlockingStub stub = QueryServiceGrpc.newBlockingStub(channel);
                Get grpc = i -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).keyWriteGet(KeyWriteGetRequest.newBuilder()
                        .setStore("bench-kw").setKey(HexFormat.of().formatHex(keys[i])).build()).getAgree();
                Get rest = i -> {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + HexFormat.of().formatHex(keys[i])))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                        }
                        return r.body().length();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                };
                for (long rate : new long[] {0, s.ingestRate()}) {
                    for (String api : new String[] {"http", "grpc"}) {
                        Get get = api.equals("http") ? rest : grpc;
                        requests(get, Math.min(2000, s.latencyRequests())); // warm-up
                        try (Ingest ingest = rate == 0 ? null : new Ingest(data, layout, rate)) {
                            long t0 = System.nanoTime();
                            long[] lat = requests(get, s.latencyRequests());
                            double secs = (System.nanoTime() - t0) / 1e9;
                            Arrays.sort(lat);
                            out.printf(Locale.ROOT, "  %-5s %-24s %9.1f %9.1f %9.1f %,9.0f %,12.0f%n", api,
                                    rate == 0 ? "none" : String.format(Locale.ROOT, "%,d writes/s asked", rate),
                                    pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999), lat.length / secs,
                                    ingest == null ? 0.0 : ingest.achieved());
                        }
                    }
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private long[] requests(Get get, int n) {
        SplittableRandom random = new SplittableRandom(11);
        long[] lat = new long[n];
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(keys.length);
            long t0 = System.nanoTime();
            get.get(k);
            lat[i] = System.nanoTime() - t0;
        }
        return lat;
    }

    /** A thread writing Key-Write slots of fresh keys into the mapped store at a fixed rate (paced per 1 ms). */
    private final class Ingest implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong written = new AtomicLong();
        private final Thread thread;
        private final long started = System.nanoTime();
        private volatile long stopped;

        Ingest(MemorySegment data, KeyWriteLayout layout, long perSecond) {
            thread = Thread.ofPlatform().name("bench-ingest").daemon().start(() -> {
                DtaHash h = new DtaHash();
                SplittableRandom random = new SplittableRandom(99);
                byte[] key = new byte[DtaHash.KEY_BYTES];
                byte[] value = new byte[4];
                long t0 = System.nanoTime();
                long done = 0;
                while (running.get()) {
                    long due = (long) ((System.nanoTime() - t0) / 1e9 * perSecond);
                    while (done < due) {
                        random.nextBytes(key);
                        for (int r = 0; r < layout.defaultRedundancy(); r++) {
                            KeyWriteStore.encodeSlot(h, key, value, 0, 4, data, KeyWriteStore.slotOffset(h, layout, key, r));
                        }
                        done += layout.defaultRedundancy();
                        written.set(done);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            });
        }

        double achieved() {
            long end = stopped != 0 ? stopped : System.nanoTime();
            return written.get() / ((end - started) / 1e9);
        }

        @Override
        public void close() throws InterruptedException {
            stopped = System.nanoTime();
            running.set(false);
            thread.join();
        }
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1000.0;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static String list(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.isEmpty() ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", x));
        }
        return b.toString();
    }

    private static String bytes(long n) {
        return net.dta.collector.store.Layouts.bytes(n);
    }
}
