package net.dta.query.cli;

import java.io.PrintWriter;

import net.dta.query.QueryMain;

/**
 * The training run of the query CLI's AOT cache (docs/performance.md, "CLI start-up"): the
 * launcher runs this class once after a build, with {@code -XX:AOTCacheOutput}, against a query
 * service it started on an empty data directory. A cache holds the classes one training JVM
 * loaded and linked; trained on {@code kw-get} alone it lacked what {@code status} and
 * {@code stores} load (their answer messages and table formatting), so those paid for linking
 * them on every call. This runs each plain query command once, in one JVM, through
 * {@link QueryMain#doMain} (the same path a call takes); the answers are errors or empty
 * ("no store named training"), which is enough: the classes of the whole call are loaded.
 *
 * <p>Usage: {@code CacheTraining HOST:PORT} (the training service's gRPC address). Exit code 0
 * whatever the answers were (a failed training only makes a smaller cache).
 */
public final class CacheTraining {
    private CacheTraining() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CacheTraining HOST:PORT (the gRPC address of a query service started for the training)");
            System.exit(2);
        }
        QueryMain.useClientLogging();
        String server = args[0];
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        String[][] calls = {
            {"kw-get", "--server", server, "--timeout", "60", "-s", "training", "-k", "00"},
            {"status", "--server", server, "--timeout", "60"},
            {"stores", "--server", server, "--timeout", "60"},
            {"path", "--server", server, "--timeout", "60", "-s", "training", "-k", "00"},
        };
        for (String[] call : calls) {
            out.println("training: query " + String.join(" ", call) + " -> exit code " + QueryMain.doMain(out, err, call));
        }
        System.exit(0);
    }
}
