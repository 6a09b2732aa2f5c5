package net.dta.rdma.cm;

/**
 * Why a collector refused a REQ before creating anything (protocol.md 7.3): the counter label
 * ({@code cm_refused_<label>} in status, {@code reason} in /metrics) and the REJ text.
 */
public enum CmRefusal {
    NO_DTA_DATA("no_dta_data", "the REQ carries no DTA private data: only a DTA controller holding the deployment's "
            + "CM secret may connect"),
    OLD_VERSION("old_version", "DTA REQ data version 1 carries no MAC: update the controller (protocol.md 7.2, version 2)"),
    BAD_MAC("bad_mac", "the REQ's MAC is wrong: the controller's cm-secret-file differs from the collector's cm.secret-file "
            + "(or the REQ was changed on the way)"),
    STALE_TIMESTAMP("stale_timestamp", "the REQ's timestamp is outside the collector's replay window: synchronise the "
            + "clocks (NTP) of the controller and the collector"),
    REPLAY("replay", "this REQ was seen before (a replay)"),
    RATE_LIMITED("rate_limited", "too many connection requests: try again later"),
    SOURCE_LIMIT("queue_pair_limit_source", "this requester holds the most queue pairs allowed per source "
            + "(cm.max-queue-pairs-per-source)"),
    TOTAL_LIMIT("queue_pair_limit_total", "the collector holds the most queue pairs allowed (cm.max-queue-pairs)");

    private final String label;
    private final String message;

    CmRefusal(String label, String message) {
        this.label = label;
        this.message = message;
    }

    public String label() {
        return label;
    }

    public String message() {
        return message;
    }

    /** The counter name in an endpoint's drops. */
    public String counterName() {
        return "cm_refused_" + label;
    }
}
