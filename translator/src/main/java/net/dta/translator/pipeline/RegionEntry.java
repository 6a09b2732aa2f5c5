package net.dta.translator.pipeline;

/** One {@code Ingress.dta_regions} entry: the first byte of a 2^31-byte segment of a store on a collector, and its rkey. */
public record RegionEntry(long va, int rkey) {
}
