package net.dta.rdma.cm;

/**
 * Why a collector refused a REQ before creating anything (protocol.md 7.3): the counter label
 * ({@code cm_refused_<label>} in status, {@code reason} in /metrics) and the REJ text (at most
 * 148 bytes: a REJ's private data).
 */
public enum CmRefusal {
    NO_DTA_DATA("no_dta_data", "no DTA private data: only a DTA controller holding the deployment's CM secret may connect"),
    OLD_VERSION("old_version", "DTA REQ data of an old version (1 has no MAC): update the controller (protocol.md 7.2)"),
    BAD_MAC("bad_mac", "wrong MAC: controller.cm.secret-file (deployment) and the collector's cm.secret-file differ"),
    STALE_TIMESTAMP("stale_timestamp", "REQ timestamp outside the replay window: synchronise the controller's and "
            + "collector's clocks (NTP)"),
    REPLAY("replay", "REQ seen before (a replay)"),
    RATE_LIMITED("rate_limited", "too many connection requests: try again later"),
    SOURCE_LIMIT("queue_pair_limit_source", "too many queue pairs from this source (cm.max-queue-pairs-per-source)"),
    TOTAL_LIMIT("queue_pair_limit_total", "too many queue pairs (cm.max-queue-pairs)");

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
