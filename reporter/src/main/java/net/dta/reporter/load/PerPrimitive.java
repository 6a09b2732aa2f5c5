package net.dta.reporter.load;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

import net.dta.reporter.Primitive;

/** Parses and prints {@code kw=40,ki=30,pc=20,ap=5,sk=5}: one number per primitive. */
final class PerPrimitive {
    private PerPrimitive() {
    }

    /**
     * Values by {@link Primitive#ordinal()}; primitives not named keep {@code missing}.
     *
     * @param field the option's name, for messages
     */
    static double[] parse(String text, String field, double missing) {
        double[] values = new double[Primitive.values().length];
        Arrays.fill(values, missing);
        boolean[] seen = new boolean[values.length];
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + ": give primitive=value pairs, e.g. kw=40,ki=30,pc=20,ap=5,sk=5");
        }
        for (String part : text.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(field + ": \"" + p + "\" is not primitive=value (e.g. kw=40)");
            }
            Primitive primitive;
            try {
                primitive = Primitive.parse(p.substring(0, eq));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage());
            }
            if (seen[primitive.ordinal()]) {
                throw new IllegalArgumentException(field + ": " + primitive.shortName() + " is given twice");
            }
            seen[primitive.ordinal()] = true;
            String v = p.substring(eq + 1).strip();
            try {
                values[primitive.ordinal()] = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + ": the value of " + primitive.shortName() + " must be a number, got \"" + v + "\"");
            }
            if (!(values[primitive.ordinal()] >= 0) || Double.isInfinite(values[primitive.ordinal()])) {
                throw new IllegalArgumentException(field + ": the value of " + primitive.shortName() + " must be 0 or more, got " + v);
            }
        }
        return values;
    }

    static String format(double[] values) {
        StringJoiner j = new StringJoiner(",");
        for (Primitive p : Primitive.values()) {
            double v = values[p.ordinal()];
            j.add(p.shortName() + "=" + (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v)));
        }
        return j.toString();
    }
}
