package net.dta.reporter.load;

import java.util.Arrays;

import net.dta.reporter.Primitive;

/**
 * What a load run sent.
 *
 * @param reports         reports handed to the socket, by {@link Primitive#ordinal()}
 * @param sent            reports the kernel accepted
 * @param sendErrors      reports the kernel refused
 * @param batches         sendmmsg batches
 * @param elapsedNanos    from the start until the last thread finished sending
 * @param flowsStarted    postcard flows started
 * @param flowsCompleted  postcard flows whose every hop was sent (equals flowsStarted: flows in
 *                        flight at the end are completed)
 * @param drainPostcards  postcards sent after the limit to complete flows in flight
 * @param interrupted     the run was stopped before its limit (Ctrl-C)
 */
public record LoadResult(LoadSpec spec, long[] reports, long sent, long sendErrors, long batches, long elapsedNanos,
                         long flowsStarted, long flowsCompleted, long drainPostcards, boolean interrupted) {
    public long reports(Primitive p) {
        return reports[p.ordinal()];
    }

    public long totalReports() {
        return Arrays.stream(reports).sum();
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    /** Reports accepted by the kernel per second of the run. */
    public double achievedRate() {
        return elapsedNanos > 0 ? sent / seconds() : 0;
    }

    /** Achieved over target rate (NaN for an unlimited run). */
    public double rateRatio() {
        return spec.rate() > 0 ? achievedRate() / spec.rate() : Double.NaN;
    }

    public double reportsPerBatch() {
        return batches > 0 ? (double) totalReports() / batches : 0;
    }
}
