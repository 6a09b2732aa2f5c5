package net.dta.protocol.layout;

/** A store layout parameter outside what protocol.md allows; the message names the field. */
public final class LayoutException extends IllegalArgumentException {
    private final String field;

    public LayoutException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    static int log2(String field, int value) {
        if (value < 1 || value > 29) {
            throw new LayoutException(field, "must be 1..29 (2 to 2^29 entries), got " + value);
        }
        return value;
    }

    static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new LayoutException(field, "must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }
}
