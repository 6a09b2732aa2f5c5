package net.dta.rdma.endpoint;

/**
 * Identity the caller would like a region to keep (from a previous run): va 0 or rkeys null mean
 * "any". Only the software backend can honour it.
 */
public record RegionRequest(long va, int[] rkeys) {
    public static final RegionRequest ANY = new RegionRequest(0, null);
}
