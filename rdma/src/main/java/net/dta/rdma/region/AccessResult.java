package net.dta.rdma.region;

/**
 * Outcome of a remote access check (protocol.md 5.5, step 5), as int constants so the check
 * allocates nothing. Each failure maps to the NAK a responder sends.
 */
public final class AccessResult {
    public static final int OK = 0;
    /** No region has the rkey: NAK remote access error. */
    public static final int UNKNOWN_RKEY = 1;
    /** The region does not grant the right: NAK remote access error. */
    public static final int ACCESS_DENIED = 2;
    /** [va, va + length) is not inside the rkey's segment: NAK remote access error. */
    public static final int OUT_OF_BOUNDS = 3;
    /** An atomic's va is not 8-byte aligned: NAK invalid request. */
    public static final int MISALIGNED = 4;

    private static final String[] LABELS = {"ok", "unknown_rkey", "access_denied", "out_of_bounds", "misaligned"};

    private AccessResult() {
    }

    public static String label(int result) {
        return result >= 0 && result < LABELS.length ? LABELS[result] : "result(" + result + ")";
    }
}
