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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
