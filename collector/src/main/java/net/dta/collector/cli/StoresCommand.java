package net.dta.collector.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import net.dta.collector.store.Layouts;
import net.dta.collector.store.StoreDirectory;
import net.dta.common.cli.Table;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code collector stores --data-dir DIR}: lists the store files from their headers, offline. */
@Command(name = "stores", mixinStandardHelpOptions = true,
        description = {"List the store files of a data directory (offline, read-only).",
                "Reads the headers only; works with the collector running or not. Files that are not valid stores",
                "are listed with the reason."})
public final class StoresCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = dataDir.resolve(err);
        if (dir == null) {
            return ExitCode.SOFTWARE;
        }
        List<StoreDirectory.Listing> listing;
        try {
            listing = StoreDirectory.list(dir);
        } catch (IOException e) {
            err.println("collector: cannot list " + dir + ": " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        if (listing.isEmpty()) {
            out.println(dir + ": no store files (*.dta)");
            return ExitCode.OK;
        }
        Table t = new Table("STORE", "ID", "KIND", "LAYOUT", "DATA", "COUNTERS", "CREATED", "FILE");
        int bad = 0;
        for (StoreDirectory.Listing l : listing) {
            if (l.valid()) {
                StoreDefinition d = l.header().definition();
                t.row(d.name(), d.storeId(), d.kind().configName(), Layouts.describe(d.layout()), Layouts.bytes(l.header().dataLength()),
                        d.kind() == StoreKind.KEY_INCREMENT || d.kind() == StoreKind.SKETCH
                                ? (d.countersLittleEndian() ? "little-endian" : "big-endian") : "-", Instant.ofEpochMilli(l.header().createdMillis()),
                        l.file().getFileName());
            } else {
                bad++;
            }
        }
        t.print(out, "");
        for (StoreDirectory.Listing l : listing) {
            if (!l.valid()) {
                err.println(l.file() + ": not usable: " + l.problem());
            }
        }
        return bad == 0 ? ExitCode.OK : ExitCode.SOFTWARE;
    }
}
