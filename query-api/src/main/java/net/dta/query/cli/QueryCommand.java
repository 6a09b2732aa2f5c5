package net.dta.query.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import net.dta.common.config.ConfigException;
import net.dta.query.QueryException;
import net.dta.query.model.QueryJson;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that asks one question of a {@link Target} and prints the answer as a table or as JSON. */
public abstract class QueryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    /** Asks, and returns the answer (printed by {@link #print} or as JSON). */
    abstract Object ask(Target.Open open) throws Exception;

    abstract void print(Object answer, PrintWriter out);

    /**
     * The fast path ({@link QuickRun}): takes one option of the command line, already split into
     * its long name and value ({@code null} for a flag); false when it is not one this command
     * knows, and picocli then parses the whole line. Each command adds its own options next to
     * their {@code @Option} declarations.
     */
    boolean option(String name, String value) {
        return target.option(name, value);
    }

    /** The fast path: whether every required option was given (else picocli parses and names what is missing). */
    boolean complete() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Asks and prints; the exit code. */
    int run(PrintWriter out, PrintWriter err) throws Exception {
        try (Target.Open open = target.open()) {
            Object answer = ask(open);
            if (target.json) {
                out.println(QueryJson.pretty(answer));
            } else {
                print(answer, out);
            }
            return ExitCode.OK;
        } catch (QueryException e) {
            err.println("query: " + e.getMessage() + " [" + e.reason().code() + "]");
            return ExitCode.SOFTWARE;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCode.SOFTWARE;
        } catch (java.io.IOException | IllegalArgumentException e) {
            err.println("query: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
    }
}
