package net.dta.rdma.cm;

/**
 * Who may connect and how much (protocol.md 7.3, docs/security.md): the deployment's secret that
 * every REQ's MAC must prove, the replay window, and the limits on queue pairs and REQs.
 *
 * @param secret                     the deployment's CM secret (at least 32 bytes)
 * @param replayWindowMillis         a REQ's timestamp must be within this of the collector's clock
 * @param maxQueuePairs              queue pairs in total
 * @param maxQueuePairsPerSource     queue pairs per requester address
 * @param requestsPerSecond          authenticated REQs that may create a queue pair, per second, in total (burst 2x)
 * @param requestsPerSecondPerSource the same per requester address
 * @param rejectsPerSecond           refused REQs answered with a REJ, per second (the rest are dropped unanswered)
 */
public record CmPolicy(byte[] secret, long replayWindowMillis, int maxQueuePairs, int maxQueuePairsPerSource,
                       int requestsPerSecond, int requestsPerSecondPerSource, int rejectsPerSecond) {
    public static final long DEFAULT_REPLAY_WINDOW_MILLIS = 30_000;
    public static final int DEFAULT_MAX_QUEUE_PAIRS = 1024;
    public static final int DEFAULT_MAX_QUEUE_PAIRS_PER_SOURCE = 16;
    public static final int DEFAULT_REQUESTS_PER_SECOND = 100;
    public static final int DEFAULT_REQUESTS_PER_SECOND_PER_SOURCE = 20;
    public static final int DEFAULT_REJECTS_PER_SECOND = 10;

    public CmPolicy {
        if (secret == null || secret.length < net.dta.protocol.auth.CmSecret.MIN_BYTES) {
            throw new IllegalArgumentException("the CM secret must be at least 32 bytes");
        }
        secret = secret.clone();
        if (replayWindowMillis < 1000) {
            throw new IllegalArgumentException("the replay window must be at least 1 s");
        }
        if (maxQueuePairs < 1 || maxQueuePairsPerSource < 1 || maxQueuePairsPerSource > maxQueuePairs) {
            throw new IllegalArgumentException("queue-pair limits must be >= 1, the per-source one at most the total");
        }
        if (requestsPerSecond < 1 || requestsPerSecondPerSource < 1 || rejectsPerSecond < 0) {
            throw new IllegalArgumentException("REQ rates must be >= 1 per second (REJ answers >= 0)");
        }
    }

    /** The defaults with this secret. */
    public static CmPolicy withSecret(byte[] secret) {
        return new CmPolicy(secret, DEFAULT_REPLAY_WINDOW_MILLIS, DEFAULT_MAX_QUEUE_PAIRS, DEFAULT_MAX_QUEUE_PAIRS_PER_SOURCE,
                DEFAULT_REQUESTS_PER_SECOND, DEFAULT_REQUESTS_PER_SECOND_PER_SOURCE, DEFAULT_REJECTS_PER_SECOND);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    public CmPolicy withLimits(int maxTotal, int maxPerSource) {
        return new CmPolicy(secret, replayWindowMillis, maxTotal, maxPerSource, requestsPerSecond, requestsPerSecondPerSource,
                rejectsPerSecond);
    }

    public CmPolicy withRates(int total, int perSource, int rejects) {
        return new CmPolicy(secret, replayWindowMillis, maxQueuePairs, maxQueuePairsPerSource, total, perSource, rejects);
    }

    @Override
    public String toString() {
        return "CmPolicy[secret=<" + secret.length + " bytes>, window=" + replayWindowMillis + " ms, queue pairs "
                + maxQueuePairs + " (" + maxQueuePairsPerSource + " per source), REQs " + requestsPerSecond + "/s ("
                + requestsPerSecondPerSource + "/s per source)]";
    }
}
