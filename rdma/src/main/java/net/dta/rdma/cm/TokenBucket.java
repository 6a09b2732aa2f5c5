package net.dta.rdma.cm;

/** A token bucket: {@code rate} tokens a second, holding at most {@code burst}. One thread. */
final class TokenBucket {
    private final double ratePerMilli;
    private final double burst;
    private double tokens;
    private long lastMillis;

    TokenBucket(int ratePerSecond, int burst, long nowMillis) {
        this.ratePerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.lastMillis = nowMillis;
    }

    /** Whether a token is available now (it is then taken). */
    boolean take(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether the bucket is full (an idle source: its entry can be forgotten). */
    boolean full(long nowMillis) {
        refill(nowMillis);
        return tokens >= burst;
    }

    private void refill(long nowMillis) {
        if (nowMillis > lastMillis) {
            tokens = Math.min(burst, tokens + (nowMillis - lastMillis) * ratePerMilli);
            lastMillis = nowMillis;
        }
    }
}
