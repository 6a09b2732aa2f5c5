package net.dta.common.config;

/**
 * One thing wrong with a configuration file, located precisely enough for an operator to go
 * straight to it: {@code collector.yaml:14:5: stores[2].slots: must be a power of two ..., got 1000}.
 *
 * @param line 1-based, 0 when unknown (e.g. a missing field of a missing section)
 * @param column 1-based, 0 when unknown
 * @param field the path of the field, e.g. {@code stores[2].slots}; empty for file-level problems
 */
public record ConfigProblem(String file, int line, int column, String field, String message) {
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ");
        if (!field.isEmpty()) {
            b.append(field).append(": ");
        }
        return b.append(message).toString();
    }
}
