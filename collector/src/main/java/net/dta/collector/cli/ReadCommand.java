package net.dta.collector.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.NoSuchElementException;

import net.dta.collector.store.AppendReader;
import net.dta.collector.store.CounterReader;
import net.dta.protocol.Keys;
import net.dta.collector.store.KeyWriteReader;
import net.dta.collector.store.PostcardReader;
import net.dta.collector.store.StoreDirectory;
import net.dta.protocol.store.AppendStore;
import net.dta.protocol.store.KeyWriteStore;
import net.dta.protocol.store.PostcardStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code collector read ...}: offline reads of one store through the same readers the query
 * service uses, mapping the files read-only (safe while the collector runs).
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Read a store directly from its file, for debugging.",
                "Maps the file read-only; works while the collector runs."},
        subcommands = {ReadCommand.KeyWriteGet.class, ReadCommand.Counter.class, ReadCommand.Path_.class, ReadCommand.Append.class})
public final class ReadCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every read shares, and the open/close around the actual read. */
    abstract static class StoreRead implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DataDirOption dataDir;

        @Option(names = {"-s", "--store"}, required = true, paramLabel = "NAME", description = "The store's name.")
        String store;

        abstract void read(StoreDirectory dir, PrintWriter out);

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path dir = dataDir.resolve(err);
            if (dir == null) {
                return ExitCode.SOFTWARE;
            }
            try (StoreDirectory d = StoreDirectory.open(dir)) {
                for (var p : d.problems()) {
                    if (p.file().getFileName().toString().equals(store + ".dta")) {
                        err.println("collector: " + p.getMessage());
                        return ExitCode.SOFTWARE;
                    }
                }
                read(d, spec.commandLine().getOut());
                return ExitCode.OK;
            } catch (IOException | NoSuchElementException | IllegalArgumentException e) {
                err.println("collector: " + e.getMessage());
                return ExitCode.SOFTWARE;
            }
        }
    }

    abstract static class KeyedRead extends StoreRead {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY",
                description = {"The key: up to 32 hex digits (left-aligned, zero-padded to 16 bytes),",
                        "or a 5-tuple like 10.0.0.1:8080->10.0.0.2:80/tcp."})
        String key;
    }

    @Command(name = "kw-get", mixinStandardHelpOptions = true, description = "Key-Write: the latest value of a key and how many slots agree.")
    static final class KeyWriteGet extends KeyedRead {
        @Option(names = {"-n", "--redundancy"}, paramLabel = "N", description = "Slots to examine (default: the store's redundancy).")
        Integer redundancy;

        @Override
        void read(StoreDirectory dir, PrintWriter out) {
            KeyWriteReader r = dir.keyWrite(store);
            byte[] k = Keys.parse(key);
            KeyWriteStore.Result result = redundancy == null ? r.get(k) : r.get(k, redundancy);
            if (result.found()) {
                out.println("value=" + HexFormat.of().formatHex(result.value()) + " agree=" + result.agree() + "/" + result.redundancy());
            } else {
                out.println("absent (no slot of " + result.redundancy() + " holds key " + Keys.hex(k) + ")");
            }
        }
    }

    @Command(name = "counter", mixinStandardHelpOptions = true,
            description = "Key-Increment or Sketch: the Count-Min estimate of a key, and its counter in each row.")
    static final class Counter extends KeyedRead {
        @Override
        void read(StoreDirectory dir, PrintWriter out) {
            CounterReader r = dir.counters(store);
            byte[] k = Keys.parse(key);
            out.println("estimate=" + Long.toUnsignedString(r.estimate(k)));
            long[] rows = r.counters(k);
            for (int i = 0; i < rows.length; i++) {
                out.println("row=" + i + " counter=" + Long.toUnsignedString(rows[i]));
            }
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true, description = "Postcard: every hop of a flow's path, with its validity.")
    static final class Path_ extends KeyedRead {
        @Override
        void read(StoreDirectory dir, PrintWriter out) {
            PostcardReader r = dir.postcards(store);
            for (PostcardStore.Hop h : r.path(Keys.parse(key))) {
                out.println("hop=" + h.hop() + " value=" + String.format("%08x", h.value()) + " valid=" + h.valid());
            }
        }
    }

    @Command(name = "append", mixinStandardHelpOptions = true,
            description = "Append: the entries of a list from a position (default: the oldest still in the ring).")
    static final class Append extends StoreRead {
        @Option(names = {"-l", "--list"}, required = true, paramLabel = "LIST", description = "The list index.")
        int list;

        @Option(names = "--from", paramLabel = "POSITION", description = "First position to read (default: the oldest available).")
        Long from;

        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "At most N entries (default ${DEFAULT-VALUE}).")
        int max;

        @Override
        void read(StoreDirectory dir, PrintWriter out) {
            AppendReader r = dir.append(store);
            long start = from == null ? r.oldest(list) : from;
            AppendStore.Batch b = r.read(list, start, max);
            for (AppendStore.Entry e : b.entries()) {
                out.println("entry pos=" + e.position() + " value=" + String.format("%08x", e.value()));
            }
            out.println("next=" + b.next() + " overrun=" + b.overrun());
        }
    }
}
