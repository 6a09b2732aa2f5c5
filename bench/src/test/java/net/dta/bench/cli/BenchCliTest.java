package net.dta.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.bench.BenchMain;
import picocli.CommandLine.ExitCode;

/** {@code ./dta bench}: every benchmark of docs/performance.md is a subcommand; wrong usage exits 2 naming the field. */
class BenchCliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchMain.doMain(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryBenchmarkOfThePerformancePage() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : List.of("translator", "collector-cpu", "responder", "hashing", "int-ingest", "loss", "query")) {
            assertTrue(r.out().contains(c), c + " in " + r.out());
            assertEquals(0, run(c, "--help").code(), c + " --help");
        }
    }

    @Test
    void wrongUsageExitsTwoAndNamesTheProblem() {
        Run unknown = run("no-such-benchmark");
        assertEquals(ExitCode.USAGE, unknown.code());
        Run query = run("query", "--log2-slots", "5");
        assertEquals(ExitCode.USAGE, query.code());
        assertTrue(query.err().contains("--log2-slots 10..29"), query.err());
    }
}
