package net.dta.reporter.cli;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import net.dta.protocol.Keys;
import net.dta.protocol.report.ReportEncoder;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;
import net.dta.reporter.ReporterOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reporter send <primitive>}: one report (or a few) from the command line, for debugging.
 * Prints the report's bytes as sent.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send single DTA reports (debugging). Prints the bytes of each report sent.",
                "Keys are 5-tuples (10.0.0.1:8080->10.0.0.2:80/tcp; quote the > in a shell) or up to 32 hex digits."},
        subcommands = {SendCommand.KeyWrite.class, SendCommand.KeyIncrement.class, SendCommand.Postcard.class,
                SendCommand.Append.class, SendCommand.SketchMerge.class},
        footer = {"", "Examples:",
                "  reporter send kw --store 1 --key '10.0.0.1:8080->10.0.0.2:80/tcp' --value 7",
                "  reporter send ki --store 2 --key 0a000001 --delta 1500",
                "  reporter send pc --store 3 --key '10.0.0.1:8080->10.0.0.2:80/tcp' --hop 0 --path-length 3 --value 0x01000010",
                "  reporter send ap --store 4 --list 1 --value 0xdead0001",
                "  reporter send sk --store 5 --row 0 --column 596 --deltas 42"})
public final class SendCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every primitive takes. */
    static final class Common {
        @Option(names = "--to", paramLabel = "HOST[:PORT]", defaultValue = "127.0.0.1:40040",
                description = "Translator address (port default 40040). Default: ${DEFAULT-VALUE}.")
        String to;

        @Option(names = "--store", paramLabel = "ID", required = true, description = "Store id, 1..65535.")
        int store;

        @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Send the report N times (one batch). Default: 1.")
        int repeat;
    }

    /** The report's encoding (for display) and how to queue it on a reporter. */
    abstract static class OneReport implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        abstract Primitive primitive();

        /** Encodes the report (for display); the reporter methods encode the same way. */
        abstract int encode(MemorySegment dst);

        abstract void queue(DtaReporter reporter);

        @Override
        public Integer call() throws Exception {
            if (common.repeat < 1 || common.repeat > 1_000_000) {
                throw new IllegalArgumentException("repeat: must be 1..1000000, got " + common.repeat);
            }
            ReporterOptions options = ReporterOptions.parse(common.to);
            PrintWriter out = spec.commandLine().getOut();
            MemorySegment shown = MemorySegment.ofArray(new byte[64]);
            try (DtaReporter reporter = DtaReporter.open(options.withBatchSize(Math.min(common.repeat, ReporterOptions.MAX_BATCH)))) {
                for (int i = 0; i < common.repeat; i++) {
                    queue(reporter);
                }
                reporter.flush();
                int length = encode(shown);
                String hex = HexFormat.of().formatHex(shown.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
                long errors = reporter.counters().sendErrors();
                out.printf("sent %d %s report%s (%d bytes) to %s from port %d: %s%n", reporter.counters().sent(),
                        primitive().displayName(), common.repeat == 1 ? "" : "s", length, options.target(), reporter.localPort(), hex);
                if (errors > 0) {
                    spec.commandLine().getErr().println("send: " + errors + " report(s) refused by the kernel (see the log line above)");
                    return ExitCode.SOFTWARE;
                }
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "kw", mixinStandardHelpOptions = true, description = "Key-Write: key -> latest value.")
    static final class KeyWrite extends OneReport {
        @Option(names = "--key", required = true, paramLabel = "KEY", description = "5-tuple or hex key.")
        String key;

        @Option(names = "--value", required = true, paramLabel = "V",
                description = "A 32-bit number (4-byte value; decimal or 0x hex), or 0x and 24 or 56 hex digits for 12- or 28-byte values.")
        String value;

        @Option(names = "--redundancy", defaultValue = "0", paramLabel = "N",
                description = "Slots written, 1..8; 0 = the store's default. Default: 0.")
        int redundancy;

        private byte[] valueBytes() {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("0x") && (v.length() == 2 + 24 || v.length() == 2 + 56)) {
                try {
                    return HexFormat.of().parseHex(v.substring(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("value: \"" + value + "\" is not hex");
                }
            }
            int n = Numbers.u32(value, "value");
            return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        }

        @Override
        Primitive primitive() {
            return Primitive.KEY_WRITE;
        }

        @Override
        int encode(MemorySegment dst) {
            return ReportEncoder.keyWrite(dst, 0, common.store, redundancy, parsedKey(key), valueBytes());
        }

        @Override
        void queue(DtaReporter reporter) {
            reporter.keyWrite(common.store, parsedKey(key), valueBytes(), redundancy);
        }
    }

    @Command(name = "ki", mixinStandardHelpOptions = true, description = "Key-Increment: key -> running sum.")
    static final class KeyIncrement extends OneReport {
        @Option(names = "--key", required = true, paramLabel = "KEY", description = "5-tuple or hex key.")
        String key;

        @Option(names = "--delta", required = true, paramLabel = "N", description = "Added to the key's counters (64-bit).")
        long delta;

        @Option(names = "--redundancy", defaultValue = "0", paramLabel = "N",
                description = "Counter rows updated; 0 = all rows (recommended). Default: 0.")
        int redundancy;

        @Override
        Primitive primitive() {
            return Primitive.KEY_INCREMENT;
        }

        @Override
        int encode(MemorySegment dst) {
            return ReportEncoder.keyIncrement(dst, 0, common.store, redundancy, parsedKey(key), delta);
        }

        @Override
        void queue(DtaReporter reporter) {
            reporter.keyIncrement(common.store, parsedKey(key), delta, redundancy);
        }
    }

    @Command(name = "pc", mixinStandardHelpOptions = true, description = "Postcard: one hop of a flow's path.")
    static final class Postcard extends OneReport {
        @Option(names = "--key", required = true, paramLabel = "FLOW", description = "Flow key: 5-tuple or hex.")
        String key;

        @Option(names = "--hop", required = true, paramLabel = "H", description = "Hop index, 0 = first switch.")
        int hop;

        @Option(names = "--path-length", defaultValue = "0", paramLabel = "L",
                description = "Hops of the flow's path, 1..8; 0 = the store's hops. Default: 0.")
        int pathLength;

        @Option(names = "--value", required = true, paramLabel = "V",
                description = "The hop's 32-bit value, e.g. 0x01000010 (switch 1, queue depth 16).")
        String value;

        @Override
        Primitive primitive() {
            return Primitive.POSTCARD;
        }

        @Override
        int encode(MemorySegment dst) {
            return ReportEncoder.postcard(dst, 0, common.store, hop, pathLength, parsedKey(key), Numbers.u32(value, "value"));
        }

        @Override
        void queue(DtaReporter reporter) {
            reporter.postcard(common.store, parsedKey(key), hop, pathLength, Numbers.u32(value, "value"));
        }
    }

    @Command(name = "ap", mixinStandardHelpOptions = true, description = "Append: add an entry to a list.")
    static final class Append extends OneReport {
        @Option(names = "--list", required = true, paramLabel = "N", description = "List index in the store.")
        long list;

        @Option(names = "--value", required = true, paramLabel = "V", description = "The 32-bit entry (decimal or 0x hex).")
        String value;

        @Override
        Primitive primitive() {
            return Primitive.APPEND;
        }

        @Override
        int encode(MemorySegment dst) {
            return ReportEncoder.append(dst, 0, common.store, list, Numbers.u32(value, "value"));
        }

        @Override
        void queue(DtaReporter reporter) {
            reporter.append(common.store, list, Numbers.u32(value, "value"));
        }
    }

    @Command(name = "sk", mixinStandardHelpOptions = true, description = "Sketch-Merge: add deltas to consecutive sketch counters.")
    static final class SketchMerge extends OneReport {
        @Option(names = "--row", required = true, paramLabel = "R", description = "Sketch row, 0..7.")
        int row;

        @Option(names = "--column", required = true, paramLabel = "C", description = "First column.")
        long column;

        @Option(names = "--deltas", required = true, split = ",", paramLabel = "D,..",
                description = "1..16 unsigned 32-bit increments for columns C, C+1, ... (within one 16-column group).")
        String[] deltas;

        private int[] parsedDeltas() {
            int[] d = new int[deltas.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = Numbers.u32(deltas[i], "deltas");
            }
            return d;
        }

        @Override
        Primitive primitive() {
            return Primitive.SKETCH_MERGE;
        }

        @Override
        int encode(MemorySegment dst) {
            int[] d = parsedDeltas();
            return ReportEncoder.sketchMerge(dst, 0, common.store, row, column, d, d.length);
        }

        @Override
        void queue(DtaReporter reporter) {
            reporter.sketchMerge(common.store, row, column, parsedDeltas());
        }
    }

    private static byte[] parsedKey(String text) {
        try {
            return Keys.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key: " + e.getMessage());
        }
    }
}
