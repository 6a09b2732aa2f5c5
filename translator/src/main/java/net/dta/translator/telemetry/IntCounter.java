package net.dta.translator.telemetry;

/**
 * What the INT ingest counts (docs/int.md, "Counters"): datagrams and reports in, DTA reports out,
 * and every INT report or part of one that was not converted, by reason. {@link #loss} marks the
 * reasons where telemetry was dropped; the others are notes (something skipped, nothing lost).
 */
public enum IntCounter {
    DATAGRAMS("datagrams", false),
    REPORTS("reports", false),
    CONVERTED("converted", false),
    TRUNCATED("truncated", true),
    OVERSIZED("oversized", true),
    BAD_VERSION("bad_version", true),
    UNSUPPORTED_REPORT_TYPE("unsupported_report_type", true),
    BAD_LENGTH("bad_length", true),
    UNSUPPORTED_INNER_TYPE("unsupported_inner_type", true),
    NOT_IPV4("not_ipv4", true),
    UNSUPPORTED_INT_TYPE("unsupported_int_type", true),
    BAD_INT_HEADER("bad_int_header", true),
    SOURCE_ONLY_METADATA("source_only_metadata", true),
    INTERMEDIATE_REPORT("intermediate_report", true),
    MISSING_METADATA("missing_metadata", true),
    METADATA_UNAVAILABLE("metadata_unavailable", true),
    TOO_MANY_HOPS("too_many_hops", true),
    TTL_OUT_OF_RANGE("ttl_out_of_range", true),
    UNMAPPED("unmapped", true),
    DOMAIN_SPECIFIC_SKIPPED("domain_specific_skipped", false),
    INCOMPLETE_PATH("incomplete_path", false);

    private final String label;
    private final boolean loss;

    IntCounter(String label, boolean loss) {
        this.label = label;
        this.loss = loss;
    }

    public String label() {
        return label;
    }

    /** Whether this reason drops telemetry (a report, a hop, an event) rather than noting something skipped. */
    public boolean loss() {
        return loss;
    }
}
