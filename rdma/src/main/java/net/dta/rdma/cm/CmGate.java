package net.dta.rdma.cm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import org.slf4j.Logger;

import net.dta.protocol.auth.CmBinding;
import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.protocol.catalog.ConnectRequestData;
import net.dta.packetio.Ipv4;

/**
 * The collector's checks on a REQ before anything is created (protocol.md 7.3): the MAC of its
 * DTA private data, its timestamp, replays, the REQ rates and the queue-pair limits; also the
 * REP's MAC. Shared by the software CM responder and the rdma_cm listener of a real NIC. Used by
 * one thread (the endpoint's or the CM event thread); the counters may be read from any.
 */
public final class CmGate {
    /** A refusal is logged at most once per source in this interval. */
    static final long LOG_INTERVAL_MILLIS = 60_000;
    private static final int MAX_TRACKED_SOURCES = 4096;
    private static final int MAX_REMEMBERED_MACS = 1 << 16;

    private final CmPolicy policy;
    private final byte[] secret;
    private final Logger log;
    private final AtomicLongArray refused = new AtomicLongArray(CmRefusal.values().length);
    private final TokenBucket total;
    private final TokenBucket rejects;
    private final Map<Integer, TokenBucket> perSource = new HashMap<>();
    private final Map<Integer, Long> lastLogged = new HashMap<>();
    /** MACs of REQs accepted, until their timestamp leaves the window: a second REQ with one is a replay. */
    private final LinkedHashMap<ByteBuffer, Long> seen = new LinkedHashMap<>();

    /** The outcome of {@link #authenticate}: a refusal, or the REQ's MAC and translator id. */
    public record Verdict(CmRefusal refusal, byte[] mac, int translatorId) {
        public boolean ok() {
            return refusal == null;
        }
    }

    public CmGate(CmPolicy policy, Logger log, long nowMillis) {
        this.policy = policy;
        this.secret = policy.secret();
        this.log = log;
        this.total = new TokenBucket(policy.requestsPerSecond(), 2 * policy.requestsPerSecond(), nowMillis);
        this.rejects = new TokenBucket(policy.rejectsPerSecond(), Math.max(1, policy.rejectsPerSecond()), nowMillis);
        // One MAC now: loading the JDK's crypto provider takes seconds on a slow host (the interop
        // suite's emulated guest), which the first REQ must not wait for (it would time out).
        seal(new byte[ConnectReplyData.SIGNED_BYTES], new byte[net.dta.protocol.auth.CmMac.BYTES], 0);
    }

    public CmPolicy policy() {
        return policy;
    }

    /**
     * Checks the DTA REQ data at {@code off} ({@code length} bytes available): present, version 2,
     * its MAC right for {@code binding}, its timestamp within the window. Nothing is remembered.
     */
    public Verdict authenticate(CmBinding binding, MemorySegment data, long off, long length, long nowMillis) {
        if (length < ConnectRequestData.BYTES) {
            return new Verdict(CmRefusal.NO_DTA_DATA, null, 0);
        }
        int version = ConnectRequestData.version(data, off);
        if (version == 0) {
            return new Verdict(CmRefusal.NO_DTA_DATA, null, 0);
        }
        if (version != ConnectRequestData.VERSION) {
            return new Verdict(CmRefusal.OLD_VERSION, null, 0);
        }
        if (!ConnectRequestData.macValid(data, off, secret, binding)) {
            return new Verdict(CmRefusal.BAD_MAC, null, 0);
        }
        ConnectRequestData d = ConnectRequestData.decode(data, off);
        if (Math.abs(nowMillis - d.timestampMillis()) > policy.replayWindowMillis()) {
            return new Verdict(CmRefusal.STALE_TIMESTAMP, null, 0);
        }
        return new Verdict(null, ConnectRequestData.mac(data, off), d.translatorId());
    }

    /** Whether an authenticated REQ's MAC was accepted before (within the window): a replay. */
    public boolean replayed(byte[] mac, long nowMillis) {
        forgetExpired(nowMillis);
        return seen.containsKey(ByteBuffer.wrap(mac));
    }

    /** Remembers the MAC of a REQ that created a queue pair, until its timestamp leaves the window. */
    public void remember(byte[] mac, long nowMillis) {
        forgetExpired(nowMillis);
        if (seen.size() >= MAX_REMEMBERED_MACS) {
            // Cannot happen within the REQ rate limits; if it did, the oldest go first (they expire first).
            Iterator<?> it = seen.keySet().iterator();
            it.next();
            it.remove();
        }
        seen.put(ByteBuffer.wrap(mac.clone()), nowMillis + 2 * policy.replayWindowMillis());
    }

    private void forgetExpired(long nowMillis) {
        Iterator<Long> it = seen.values().iterator();
        while (it.hasNext() && it.next() < nowMillis) {
            it.remove();
        }
    }

    /**
     * Whether an authenticated REQ may create a queue pair: the limits (unless it replaces the
     * source's queue pair of the same QPN), then the REQ rates. Null when it may.
     */
    public CmRefusal admit(int source, int liveFromSource, int liveTotal, boolean replacing, long nowMillis) {
        if (!replacing && liveFromSource >= policy.maxQueuePairsPerSource()) {
            return CmRefusal.SOURCE_LIMIT;
        }
        if (!replacing && liveTotal >= policy.maxQueuePairs()) {
            return CmRefusal.TOTAL_LIMIT;
        }
        TokenBucket mine = perSource.get(source);
        if (mine == null) {
            if (perSource.size() >= MAX_TRACKED_SOURCES) {
                perSource.values().removeIf(b -> b.full(nowMillis));
            }
            mine = new TokenBucket(policy.requestsPerSecondPerSource(), 2 * policy.requestsPerSecondPerSource(), nowMillis);
            perSource.put(source, mine);
        }
        if (!mine.take(nowMillis) || !total.take(nowMillis)) {
            return CmRefusal.RATE_LIMITED;
        }
        return null;
    }

    /**
     * Counts a refusal, logs it (once per source per {@value #LOG_INTERVAL_MILLIS} ms) and says
     * whether a REJ may answer it (at most {@link CmPolicy#rejectsPerSecond()} a second; the rest
     * are dropped unanswered).
     */
    public boolean refused(CmRefusal reason, int source, long nowMillis) {
        refused.incrementAndGet(reason.ordinal());
        Long last = lastLogged.get(source);
        if (last == null || nowMillis - last >= LOG_INTERVAL_MILLIS) {
            if (lastLogged.size() >= MAX_TRACKED_SOURCES) {
                lastLogged.values().removeIf(t -> nowMillis - t >= LOG_INTERVAL_MILLIS);
            }
            if (lastLogged.size() < MAX_TRACKED_SOURCES) {
                lastLogged.put(source, nowMillis);
                log.warn("refused a connection request from {}: {} (counted as {}; further refusals from this source are "
                        + "not logged for {} s)", Ipv4.format(source), reason.message(), reason.counterName(),
                        LOG_INTERVAL_MILLIS / 1000);
            }
        }
        return rejects.take(nowMillis);
    }

    /** Whether a REJ for another reason (service id, transport, ...) may be sent now: the same budget as refusals. */
    public boolean mayAnswer(long nowMillis) {
        return rejects.take(nowMillis);
    }

    /** The REP private data with its MAC for the authenticated REQ's MAC and our new queue pair. */
    public byte[] seal(byte[] repData, byte[] requestMac, int qpn) {
        return ConnectReplyData.seal(repData, secret, requestMac, qpn);
    }

    /** Refusals by counter name ({@link CmRefusal#counterName()}), every reason listed. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (CmRefusal r : CmRefusal.values()) {
            out.put(r.counterName(), refused.get(r.ordinal()));
        }
        return out;
    }

    /** How often {@code reason} was counted. */
    public long count(CmRefusal reason) {
        return refused.get(reason.ordinal());
    }
}
