package net.dta.query.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import net.dta.common.config.ConfigException;
import net.dta.query.QueryException;
import net.dta.query.grpc.QueryClient;
import net.dta.query.model.Answers;
import net.dta.query.model.QueryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code follow}: prints an Append list's entries as they are appended (a server-streaming call to
 * a query service, or polling the ring when reading stores directly), until Ctrl-C, {@code --count}
 * entries or {@code --seconds}.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = {"Append: print a list's new entries as they arrive.",
                "One line each: position and value; overruns (entries overwritten before they could be read) on their own",
                "line. --json: one JSON object per message."})
public final class FollowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Option(names = {"-s", "--store"}, required = true, paramLabel = "STORE", description = "The store's name.")
    String store;

    @Option(names = {"-l", "--list"}, required = true, paramLabel = "LIST", description = "The list index.")
    int list;

    @Option(names = "--from", paramLabel = "POSITION", description = "First position (default: the tail, only new entries).")
    Long from;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N entries (default: never).")
    long count;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0", description = "Stop after S seconds (default: never).")
    long seconds;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "50", description = "How often the ring is polled (default ${DEFAULT-VALUE} ms).")
    int pollMillis;

    @Option(names = "--collector", paramLabel = "NAME", defaultValue = "", description = "Read this collector instead of the list's.")
    String collector;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long deadline = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        long[] seen = {0};
        try (Target.Open open = target.open()) {
            QueryClient client = Target.client(open);
            if (client != null && seconds == 0) {
                client.follow(store, list, from, 0, pollMillis, collector, step -> show(step, out, seen));
                return ExitCode.OK;
            }
            long position = from != null ? from : open.queries().appendTail(store, list, collector).nextPosition();
            while (System.nanoTime() < deadline) {
                Answers.Append step = open.queries().appendRead(store, list, position, 1000, collector);
                if (!step.entries().isEmpty() || step.overrun() > 0) {
                    if (!show(step, out, seen)) {
                        break;
                    }
                }
                position = step.nextPosition();
                if (step.entries().size() < 1000) {
                    Thread.sleep(pollMillis);
                }
            }
            return ExitCode.OK;
        } catch (QueryException e) {
            err.println("query: " + e.getMessage() + " [" + e.reason().code() + "]");
            return ExitCode.SOFTWARE;
        } catch (ConfigException | java.io.IOException | IllegalArgumentException e) {
            err.println("query: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
    }

    /** Prints a step; false once --count entries were shown. */
    private boolean show(Answers.Append step, PrintWriter out, long[] seen) {
        if (target.json) {
            out.println(new String(QueryJson.compact(step), java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } else {
            AnswerTables.printFollow(step, out);
        }
        seen[0] += step.entries().size();
        return count == 0 || seen[0] < count;
    }
}
