package net.dta.bench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import net.dta.bench.QueryBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench query}: the query benchmark of docs/performance.md ("Queries"). */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"The query benchmark of docs/performance.md (Queries).",
                "Key-Write gets/s on a large store vs Chronicle Map get on the same keys (same run), and HTTP and gRPC",
                "query latency with and without a concurrent ingest load. Needs free disk for the store and the map."})
public final class QueryBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "bench/target/query-bench",
            description = "Where the store file and the map are created (and deleted after; default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--log2-slots", paramLabel = "L", defaultValue = "27",
            description = "The Key-Write store has 2^L slots of 8 bytes (default ${DEFAULT-VALUE}: 1 GiB).")
    int log2Slots;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "4194304", description = "Keys written to both (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2", description = "Length of one measuring round (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3", description = "Rounds per get (default ${DEFAULT-VALUE}; the median is shown).")
    int rounds;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "20000",
            description = "Requests per latency measurement (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--ingest-rate", paramLabel = "W", defaultValue = "1000000",
            description = "Key-Write slot writes per second during the loaded latency runs (default ${DEFAULT-VALUE}).")
    long ingestRate;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (log2Slots < 10 || log2Slots > 29 || keys < 1000 || seconds <= 0 || rounds < 1 || requests < 100 || ingestRate < 1) {
            spec.commandLine().getErr().println("bench query: --log2-slots 10..29, --keys >= 1000, --seconds > 0, --rounds >= 1, "
                    + "--requests >= 100, --ingest-rate >= 1");
            return ExitCode.USAGE;
        }
        new QueryBenchmark(new QueryBenchmark.Settings(dir, log2Slots, keys, seconds, rounds, requests, ingestRate), out).run();
        out.flush();
        return ExitCode.OK;
    }
}
