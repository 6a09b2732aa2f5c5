package net.dta.query.cli;

import java.io.PrintWriter;

import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The one-question commands: {@code kw-get}, {@code counter}, {@code path}, {@code append}, {@code stores}, {@code status}. */
public final class QueryCommands {
    private QueryCommands() {
    }

    public abstract static class Keyed extends QueryCommand {
        @Option(names = {"-s", "--store"}, required = true, paramLabel = "STORE", description = "The store's name.")
        String store;

        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY",
                description = {"The key: up to 32 hex digits (left-aligned, zero-padded to 16 bytes),",
                        "or a 5-tuple like 10.0.0.1:8080->10.0.0.2:80/tcp."})
        String key;

        @Option(names = "--collector", paramLabel = "NAME", defaultValue = "",
                description = "Read this collector instead of the one the key's bucket names.")
        String collector = "";

        @Override
        boolean option(String name, String value) {
            switch (name) {
                case "--store" -> store = value;
                case "--key" -> key = value;
                case "--collector" -> collector = value;
                default -> {
                    return super.option(name, value);
                }
            }
            return true;
        }

        @Override
        boolean complete() {
            return store != null && key != null;
        }
    }

    @Command(name = "kw-get", mixinStandardHelpOptions = true,
            description = {"Key-Write: the latest value of a key and how many slots agree.",
                    "Several -k read several keys in one call (kw-get-many): each collector reads its keys together."})
    public static final class KeyWriteGet extends QueryCommand {
        @Option(names = {"-s", "--store"}, required = true, paramLabel = "STORE", description = "The store's name.")
        String store;

        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY",
                description = {"The key: up to 32 hex digits (left-aligned, zero-padded to 16 bytes),",
                        "or a 5-tuple like 10.0.0.1:8080->10.0.0.2:80/tcp. Repeat for several keys."})
        java.util.List<String> keys;

        @Option(names = {"-n", "--redundancy"}, paramLabel = "N", defaultValue = "0",
                description = "Slots to examine, 1..8 (default: the store's redundancy).")
        int redundancy;

        @Option(names = "--collector", paramLabel = "NAME", defaultValue = "",
                description = "Read this collector instead of the one the key's bucket names.")
        String collector = "";

        @Override
        boolean option(String name, String value) {
            switch (name) {
                case "--store" -> store = value;
                case "--key" -> {
                    keys = keys == null ? new java.util.ArrayList<>() : keys;
                    keys.add(value);
                }
                case "--redundancy" -> redundancy = QuickRun.plainInt(value);
                case "--collector" -> collector = value;
                default -> {
                    return super.option(name, value);
                }
            }
            return true;
        }

        @Override
        boolean complete() {
            return store != null && keys != null;
        }

        @Override
        Object ask(Target.Open open) {
            return keys.size() == 1 ? open.queries().keyWrite(store, keys.get(0), redundancy, collector)
                    : open.queries().keyWriteMany(store, keys, redundancy, collector);
        }

        @Override
        void print(Object answer, PrintWriter out) {
            if (answer instanceof Answers.KeyWriteMany many) {
                AnswerTables.print(many, out);
            } else {
                AnswerTables.print((Answers.KeyWrite) answer, out);
            }
        }
    }

    @Command(name = "counter", mixinStandardHelpOptions = true,
            description = "Key-Increment or Sketch: the Count-Min estimate of a key and its counter in each row.")
    public static final class Counter extends Keyed {
        @Override
        Object ask(Target.Open open) {
            return open.queries().counter(store, key, collector);
        }

        @Override
        void print(Object answer, PrintWriter out) {
            AnswerTables.print((Answers.Counter) answer, out);
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true, description = "Postcard: every hop of a flow's path, with its validity.")
    public static final class Path_ extends Keyed {
        @Override
        Object ask(Target.Open open) {
            return open.queries().path(store, key, collector);
        }

        @Override
        void print(Object answer, PrintWriter out) {
            AnswerTables.print((Answers.Path) answer, out);
        }
    }

    @Command(name = "append", mixinStandardHelpOptions = true,
            description = "Append: entries of a list from a position, and how many were overwritten before they could be read.")
    public static final class Append extends QueryCommand {
        @Option(names = {"-s", "--store"}, required = true, paramLabel = "STORE", description = "The store's name.")
        String store;

        @Option(names = {"-l", "--list"}, required = true, paramLabel = "LIST", description = "The list index.")
        int list;

        @Option(names = "--from", paramLabel = "POSITION|tail",
                description = "First position (default: the oldest entry still in the ring; tail: where new entries will go).")
        String from;

        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "At most N entries, 1..10000 (default ${DEFAULT-VALUE}).")
        int max = 100;

        @Option(names = "--collector", paramLabel = "NAME", defaultValue = "", description = "Read this collector instead of the list's.")
        String collector = "";

        private boolean listGiven;

        @Override
        boolean option(String name, String value) {
            switch (name) {
                case "--store" -> store = value;
                case "--list" -> {
                    list = QuickRun.plainInt(value);
                    listGiven = true;
                }
                case "--from" -> from = value;
                case "--max" -> max = QuickRun.plainInt(value);
                case "--collector" -> collector = value;
                default -> {
                    return super.option(name, value);
                }
            }
            return true;
        }

        @Override
        boolean complete() {
            return store != null && listGiven;
        }

        @Override
        Object ask(Target.Open open) {
            if ("tail".equals(from)) {
                return open.queries().appendTail(store, list, collector);
            }
            return open.queries().appendRead(store, list, from == null ? null : position(from), max, collector);
        }

        @Override
        void print(Object answer, PrintWriter out) {
            AnswerTables.print((Answers.Append) answer, out);
        }
    }

    static long position(String text) {
        try {
            long p = Long.parseLong(text);
            if (p >= 0) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--from must be a position (an integer >= 0) or tail, got \"" + text + "\"");
    }

    @Command(name = "stores", mixinStandardHelpOptions = true, description = "The stores, their layouts and their collectors.")
    public static final class Stores extends QueryCommand {
        @Override
        Object ask(Target.Open open) {
            return open.queries().stores();
        }

        @Override
        void print(Object answer, PrintWriter out) {
            AnswerTables.print((Answers.Stores) answer, out);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Collectors, queue pairs, store fill and ingest rates.",
                    "Collectors (reachable, queue pairs), store shards (fill, the Key-Write success probability it implies,",
                    "ingest rates) and ingest per primitive."})
    public static final class Status extends QueryCommand {
        @Option(names = "--collector", paramLabel = "NAME", defaultValue = "", description = "Only this collector.")
        String collector = "";

        @Override
        boolean option(String name, String value) {
            if (name.equals("--collector")) {
                collector = value;
                return true;
            }
            return super.option(name, value);
        }

        @Override
        Object ask(Target.Open open) {
            return open.queries().status(collector, true);
        }

        @Override
        void print(Object answer, PrintWriter out) {
            AnswerTables.print((StatusReport) answer, out);
        }
    }
}
