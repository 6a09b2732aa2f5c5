package net.dta.translator.pipeline;

/**
 * The match key of a table entry, canonical: up to three field values (the translator's tables
 * have at most three match fields, all at most 32 bits) and the prefix length of an LPM field
 * (-1 for exact-only tables). Two writes address the same entry exactly when their keys are equal.
 */
public record Key(long f0, long f1, long f2, int prefixLength) {
    public static final Key NONE = new Key(0, 0, 0, -1);
}
