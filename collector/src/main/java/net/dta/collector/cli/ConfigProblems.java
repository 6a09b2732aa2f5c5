package net.dta.collector.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import net.dta.collector.config.CollectorConfig;
import net.dta.common.config.ConfigException;
import net.dta.collector.config.ConfigLoader;
import net.dta.common.config.ConfigProblem;

/** Loads a configuration for a command, printing every problem when it is invalid. */
final class ConfigProblems {
    private ConfigProblems() {
    }

    /** The configuration, or null after printing its problems to err. */
    static CollectorConfig load(Path file, PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            err.println(e.problems().size() == 1 ? "1 problem: nothing was changed" : e.problems().size() + " problems: nothing was changed");
            return null;
        }
    }
}
