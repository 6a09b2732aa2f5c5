package net.dta.common.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used. Carries every problem found (not only the first), each
 * naming file, line, column and field, so that one run of {@code check-config} shows them all.
 */
public final class ConfigException extends Exception {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(ConfigProblem problem) {
        this(List.of(problem));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
