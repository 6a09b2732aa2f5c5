package net.dta.translator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import net.dta.common.config.ConfigException;
import net.dta.common.config.ConfigProblem;
import net.dta.translator.config.ConfigLoader;
import net.dta.translator.config.TranslatorConfig;

/** Loads a configuration for a command, printing every problem when it is invalid. */
final class ConfigProblems {
    private ConfigProblems() {
    }

    /** The configuration, or null after printing its problems to err. */
    static TranslatorConfig load(Path file, PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            err.println(e.problems().size() == 1 ? "1 problem" : e.problems().size() + " problems");
            return null;
        }
    }
}
