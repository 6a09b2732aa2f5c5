package net.dta.translator.telemetry;

import static net.dta.protocol.telemetry.IntFormat.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.protocol.Bytes;
import net.dta.protocol.report.ReportEncoder;
import net.dta.packetio.status.CounterArray;
import net.dta.packetio.status.LogOnce;
import net.dta.translator.config.IntIngestConfig;
import net.dta.translator.config.IntIngestConfig.HopValue;

/**
 * INT ingest (docs/int.md): parses one Telemetry Report v2.0 datagram, converts each individual
 * report into DTA reports by the configured mapping, and hands every DTA report to the same
 * {@link ReportSink} a report datagram goes to (the engine: same checks, counters and RDMA output).
 * What it cannot convert is counted by {@link IntCounter} and logged once per reason.
 *
 * <p>One thread (the data plane's) calls it; nothing per packet allocates: the DTA report is built
 * in a reused buffer from a reused key array.
 */
public final class IntIngress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntIngress.class);
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int SCTP = 132;

    /** Where converted DTA reports go: {@code Engine::translate}. */
    @FunctionalInterface
    public interface ReportSink {
        void report(MemorySegment s, long offset, int length);
    }

    private final IntIngestConfig config;
    private final ReportSink sink;
    private final CounterArray counts = new CounterArray(IntCounter.values().length);
    private final LogOnce logOnce = new LogOnce(LOG, IntCounter.values().length);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment out = arena.allocate(64, 8);
    private final byte[] key = new byte[16];
    private final byte[] queueKey = new byte[16];
    private final byte[] queueValue = new byte[4];

    // The report being converted.
    private long nodeId;
    private int flowProtocol;
    private int ipLength;
    private int ttl;

    public IntIngress(IntIngestConfig config, ReportSink sink) {
        this.config = config;
        this.sink = sink;
    }

    public long count(IntCounter c) {
        return counts.get(c.ordinal());
    }

    /** Datagrams the socket truncated (longer than it accepts): counted, never parsed. */
    public void oversized(long datagrams) {
        counts.add(IntCounter.OVERSIZED.ordinal(), datagrams);
        counts.add(IntCounter.DATAGRAMS.ordinal(), datagrams);
    }

    /** One UDP payload received on the INT port. */
    public void datagram(MemorySegment s, long off, int length) {
        counts.increment(IntCounter.DATAGRAMS.ordinal());
        if (length < GROUP_HEADER_LENGTH) {
            note(IntCounter.TRUNCATED, length);
            return;
        }
        if (Bytes.u8(s, off) >>> 4 != REPORT_VERSION) {
            note(IntCounter.BAD_VERSION, length);
            return;
        }
        nodeId = Bytes.u32(s, off + 4);
        long end = off + length;
        long p = off + GROUP_HEADER_LENGTH;
        if (p == end) {
            note(IntCounter.TRUNCATED, length);
            return;
        }
        while (p < end) {
            if (end - p < REPORT_HEADER_LENGTH) {
                note(IntCounter.TRUNCATED, length);
                return;
            }
            long reportEnd = p + REPORT_HEADER_LENGTH + 4L * Bytes.u8(s, p + 1);
            if (reportEnd > end) {
                counts.increment(IntCounter.REPORTS.ordinal());
                note(IntCounter.TRUNCATED, length);
                return;
            }
            counts.increment(IntCounter.REPORTS.ordinal());
            report(s, p, reportEnd);
            p = reportEnd;
        }
    }

    private void report(MemorySegment s, long p, long end) {
        int repType = Bytes.u8(s, p) >>> 4;
        int inType = Bytes.u8(s, p) & 0xF;
        int mdWords = Bytes.u8(s, p + 2);
        int flags = Bytes.u8(s, p + 3);
        if (repType != REP_TYPE_INT) {
            note(IntCounter.UNSUPPORTED_REPORT_TYPE, repType);
            return;
        }
        long md = p + REPORT_HEADER_LENGTH + INT_MAIN_FIXED_LENGTH;
        long inner = md + 4L * mdWords;
        if (inner > end) {
            note(IntCounter.BAD_LENGTH, end - p);
            return;
        }
        int repMdBits = Bytes.u16(s, p + 4);
        if (length(repMdBits) > 4 * mdWords) {
            note(IntCounter.BAD_LENGTH, end - p);
            return;
        }
        if (Bytes.u16(s, p + 8) != 0) {
            counts.increment(IntCounter.DOMAIN_SPECIFIC_SKIPPED.ordinal());
        }
        if ((flags & (FLAG_DROPPED | FLAG_CONGESTED_QUEUE | FLAG_TRACKED_FLOW)) == 0) {
            note(IntCounter.UNMAPPED, flags);
            return;
        }
        if ((flags & FLAG_DROPPED) != 0) {
            dropReport(s, md, repMdBits);
        }
        if ((flags & FLAG_CONGESTED_QUEUE) != 0) {
            queueReport(s, md, repMdBits);
        }
        if ((flags & FLAG_TRACKED_FLOW) != 0) {
            if ((flags & FLAG_INTERMEDIATE) != 0) {
                note(IntCounter.INTERMEDIATE_REPORT, flags);
            } else if (config.postcards().store() == 0 && config.flows().store() == 0) {
                note(IntCounter.UNMAPPED, flags);
            } else {
                trackedFlow(s, md, repMdBits, inType, inner, end);
            }
        }
    }

    // ---- drop and queue reports ----

    private void dropReport(MemorySegment s, long md, int repMdBits) {
        IntIngestConfig.Drops d = config.drops();
        if (d.store() == 0) {
            note(IntCounter.UNMAPPED, FLAG_DROPPED);
            return;
        }
        int at = offset(repMdBits, MD_BIT_15);
        if (at < 0) {
            note(IntCounter.MISSING_METADATA, MD_BIT_15);
            return;
        }
        int reason = Bytes.u8(s, md + at + 1);
        emit(ReportEncoder.append(out, 0, d.store(), d.list(), (int) ((nodeId & 0xFF_FFFF) << 8) | reason));
    }

    private void queueReport(MemorySegment s, long md, int repMdBits) {
        IntIngestConfig.Queues q = config.queues();
        if (q.store() == 0) {
            note(IntCounter.UNMAPPED, FLAG_CONGESTED_QUEUE);
            return;
        }
        int at = offset(repMdBits, MD_QUEUE);
        if (at < 0) {
            note(IntCounter.MISSING_METADATA, MD_QUEUE);
            return;
        }
        long word = Bytes.u32(s, md + at);
        if (word == UNAVAILABLE) {
            note(IntCounter.METADATA_UNAVAILABLE, MD_QUEUE);
            return;
        }
        java.util.Arrays.fill(queueKey, (byte) 0);
        queueKey[0] = (byte) (nodeId >>> 24);
        queueKey[1] = (byte) (nodeId >>> 16);
        queueKey[2] = (byte) (nodeId >>> 8);
        queueKey[3] = (byte) nodeId;
        queueKey[4] = (byte) (word >>> 24);
        int occupancy = (int) (word & 0xFF_FFFF);
        queueValue[0] = 0;
        queueValue[1] = (byte) (occupancy >>> 16);
        queueValue[2] = (byte) (occupancy >>> 8);
        queueValue[3] = (byte) occupancy;
        emit(ReportEncoder.keyWrite(out, 0, q.store(), 0, queueKey, queueValue));
    }

    // ---- tracked flows: INT-MD sink reports and INT-XD/MX per-hop reports ----

    private void trackedFlow(MemorySegment s, long md, int repMdBits, int inType, long inner, long end) {
        long ip;
        if (inType == IN_TYPE_IPV4) {
            ip = inner;
        } else if (inType == IN_TYPE_ETHERNET) {
            if (end - inner < 14) {
                note(IntCounter.TRUNCATED, inType);
                return;
            }
            int etherType = Bytes.u16(s, inner + 12);
            ip = inner + 14;
            if (etherType == ETHERTYPE_VLAN) {
                if (end - inner < 18) {
                    note(IntCounter.TRUNCATED, inType);
                    return;
                }
                etherType = Bytes.u16(s, inner + 16);
                ip = inner + 18;
            }
            if (etherType != ETHERTYPE_IPV4) {
                note(IntCounter.NOT_IPV4, etherType);
                return;
            }
        } else {
            note(IntCounter.UNSUPPORTED_INNER_TYPE, inType);
            return;
        }
        if (end - ip < 20) {
            note(IntCounter.TRUNCATED, end - ip);
            return;
        }
        int vihl = Bytes.u8(s, ip);
        int ihl = (vihl & 0xF) * 4;
        if (vihl >>> 4 != 4 || ihl < 20) {
            note(IntCounter.NOT_IPV4, vihl);
            return;
        }
        long l4 = ip + ihl;
        if (l4 > end) {
            note(IntCounter.TRUNCATED, ihl);
            return;
        }
        ipLength = Bytes.u16(s, ip + 2);
        ttl = Bytes.u8(s, ip + 8);
        flowProtocol = Bytes.u8(s, ip + 9);
        key(s, ip);
        if (flowProtocol == 17 && end - l4 >= 8 && Bytes.u16(s, l4 + 2) == config.intUdpPort()) {
            intOverUdp(s, md, repMdBits, l4, end);
            return;
        }
        if (!ports(s, l4, end)) {
            return;
        }
        perHop(s, md, repMdBits);
    }

    /** The packet carries INT over UDP: an INT-MD stack (sink report) or an INT-MX header (per-hop report). */
    private void intOverUdp(MemorySegment s, long md, int repMdBits, long udp, long end) {
        long shim = udp + 8;
        if (end - shim < SHIM_LENGTH) {
            note(IntCounter.TRUNCATED, end - shim);
            return;
        }
        int type = Bytes.u8(s, shim) >>> 4;
        int npt = (Bytes.u8(s, shim) >>> 2) & 3;
        int words = Bytes.u8(s, shim + 1);
        if (type != SHIM_TYPE_MD && type != SHIM_TYPE_MX) {
            note(IntCounter.UNSUPPORTED_INT_TYPE, type);
            return;
        }
        long header = shim + SHIM_LENGTH;
        long after = header + 4L * words;
        if (after > end) {
            note(IntCounter.TRUNCATED, words);
            return;
        }
        if (4 * words < INT_HEADER_LENGTH || Bytes.u8(s, header) >>> 4 != INT_VERSION
                || (type == SHIM_TYPE_MX && 4 * words != INT_HEADER_LENGTH)) {
            note(IntCounter.BAD_INT_HEADER, words);
            return;
        }
        // The original 5-tuple (INT v2.1 5.7.2): NPT 1 keeps the original UDP header (its destination
        // port is in the shim), NPT 2 inserted a UDP header (the original transport header follows).
        if (npt == NPT_UDP_PORT) {
            setPorts(Bytes.u16(s, udp), Bytes.u16(s, shim + 2));
            ipLength -= SHIM_LENGTH + 4 * words;
        } else if (npt == NPT_L4_HEADER) {
            flowProtocol = Bytes.u8(s, shim + 3);
            key[12] = (byte) flowProtocol;
            if (!ports(s, after, end)) {
                return;
            }
            ipLength -= 8 + SHIM_LENGTH + 4 * words;
        } else {
            note(IntCounter.BAD_INT_HEADER, npt);
            return;
        }
        if (type == SHIM_TYPE_MX) {
            perHop(s, md, repMdBits);
        } else {
            sink(s, md, repMdBits, header, words);
        }
    }

    /** An INT-MD sink report: every hop of the stack, plus the sink when its own metadata carries the value. */
    private void sink(MemorySegment s, long md, int repMdBits, long header, int words) {
        long w = Bytes.u32(s, header);
        int hopWords = (int) ((w >>> 8) & 0x1F);
        int instructions = Bytes.u16(s, header + 4);
        int stackBytes = 4 * words - INT_HEADER_LENGTH;
        if (hopWords == 0 || length(instructions) > 4 * hopWords) {
            note(IntCounter.BAD_INT_HEADER, hopWords);
            return;
        }
        if (stackBytes % (4 * hopWords) != 0) {
            note(IntCounter.SOURCE_ONLY_METADATA, stackBytes);
            return;
        }
        if ((w & 0x0600_0000L) != 0) {
            counts.increment(IntCounter.INCOMPLETE_PATH.ordinal());
        }
        int stackHops = stackBytes / (4 * hopWords);
        boolean sinkHop = carries(repMdBits, true);
        int pathLength = stackHops + (sinkHop ? 1 : 0);
        IntIngestConfig.Postcards pc = config.postcards();
        if (pc.store() != 0) {
            // A report that cannot be converted as a whole makes nothing, not even its flow count.
            if (stackHops > 0 && !carries(instructions, false)) {
                note(IntCounter.MISSING_METADATA, instructions);
                return;
            } else if (pathLength == 0) {
                note(IntCounter.MISSING_METADATA, repMdBits);
                return;
            } else if (pathLength > 8) {
                note(IntCounter.TOO_MANY_HOPS, pathLength);
                return;
            } else {
                long stack = header + INT_HEADER_LENGTH;
                for (int k = 0; k < stackHops; k++) {
                    long entry = stack + 4L * hopWords * k;
                    int node = offset(instructions, MD_NODE_ID);
                    postcard(pc, stackHops - 1 - k, pathLength, value(s, instructions, entry, node < 0 ? -1 : Bytes.u32(s, entry + node)));
                }
                if (sinkHop) {
                    postcard(pc, pathLength - 1, pathLength, value(s, repMdBits, md, nodeId));
                }
            }
        }
        flowCount();
    }

    /** An INT-XD or INT-MX per-hop report: one postcard, its hop index from the packet's TTL. */
    private void perHop(MemorySegment s, long md, int repMdBits) {
        IntIngestConfig.Postcards pc = config.postcards();
        int hop = pc.initialTtl() - ttl;
        if (hop < 0 || hop > 7) {
            note(IntCounter.TTL_OUT_OF_RANGE, ttl);
            return;
        }
        if (pc.store() != 0) {
            if (!carries(repMdBits, true)) {
                note(IntCounter.MISSING_METADATA, repMdBits);
                return;
            } else {
                postcard(pc, hop, pc.perHopPathLength(), value(s, repMdBits, md, nodeId));
            }
        }
        if (hop == 0) {
            flowCount();
        }
    }

    private void postcard(IntIngestConfig.Postcards pc, int hop, int pathLength, long value) {
        if (value < 0) {
            note(IntCounter.METADATA_UNAVAILABLE, hop);
            return;
        }
        emit(ReportEncoder.postcard(out, 0, pc.store(), hop, pathLength, key, (int) value));
    }

    private void flowCount() {
        IntIngestConfig.Flows f = config.flows();
        if (f.store() != 0) {
            emit(ReportEncoder.keyIncrement(out, 0, f.store(), 0, key, f.bytes() ? ipLength & 0xFFFF : 1));
        }
    }

    /** Whether metadata laid out by {@code bitmap} holds what the postcard value needs (a report's node id is the group's). */
    private boolean carries(int bitmap, boolean nodeFromGroup) {
        boolean node = nodeFromGroup || offset(bitmap, MD_NODE_ID) >= 0;
        return switch (config.postcards().value()) {
            case SWITCH_ID -> nodeFromGroup ? bitmap != 0 : node;
            case SWITCH_AND_QUEUE -> node && offset(bitmap, MD_QUEUE) >= 0;
            case HOP_LATENCY -> offset(bitmap, MD_HOP_LATENCY) >= 0;
            case QUEUE_OCCUPANCY -> offset(bitmap, MD_QUEUE) >= 0;
        };
    }

    /** The postcard value of one hop's metadata at {@code base}, or -1 when the metadata says "unavailable". */
    private long value(MemorySegment s, int bitmap, long base, long node) {
        HopValue v = config.postcards().value();
        if (v == HopValue.SWITCH_ID) {
            return node == UNAVAILABLE ? -1 : node;
        }
        if (v == HopValue.HOP_LATENCY) {
            long latency = Bytes.u32(s, base + offset(bitmap, MD_HOP_LATENCY));
            return latency == UNAVAILABLE ? -1 : latency;
        }
        long queue = Bytes.u32(s, base + offset(bitmap, MD_QUEUE));
        if (queue == UNAVAILABLE || (v == HopValue.SWITCH_AND_QUEUE && node == UNAVAILABLE)) {
            return -1;
        }
        long occupancy = queue & 0xFF_FFFF;
        return v == HopValue.QUEUE_OCCUPANCY ? occupancy : ((node & 0xFF) << 24) | occupancy;
    }

    // ---- the flow key ----

    /** Addresses and protocol into the key (protocol.md 2.2's 5-tuple); ports come later. */
    private void key(MemorySegment s, long ip) {
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) Bytes.u8(s, ip + 12 + i);
        }
        key[12] = (byte) flowProtocol;
        setPorts(0, 0);
    }

    /** Ports from a TCP, UDP or SCTP header at {@code l4} (0 for other protocols); false (counted) when truncated. */
    private boolean ports(MemorySegment s, long l4, long end) {
        if (flowProtocol != 6 && flowProtocol != 17 && flowProtocol != SCTP) {
            setPorts(0, 0);
            return true;
        }
        if (end - l4 < 4) {
            note(IntCounter.TRUNCATED, end - l4);
            return false;
        }
        setPorts(Bytes.u16(s, l4), Bytes.u16(s, l4 + 2));
        return true;
    }

    private void setPorts(int src, int dst) {
        key[8] = (byte) (src >>> 8);
        key[9] = (byte) src;
        key[10] = (byte) (dst >>> 8);
        key[11] = (byte) dst;
        key[13] = 0;
        key[14] = 0;
        key[15] = 0;
    }

    private void emit(int length) {
        counts.increment(IntCounter.CONVERTED.ordinal());
        sink.report(out, 0, length);
    }

    private void note(IntCounter reason, long detail) {
        counts.increment(reason.ordinal());
        if (reason.loss() && logOnce.pending(reason.ordinal())) {
            logOnce.warn(reason.ordinal(), "INT ingest: not converted ({}; detail {}), counted as {} (docs/int.md)", reason.label(),
                    detail, reason.label());
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
