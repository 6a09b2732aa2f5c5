package net.dta.protocol.telemetry;

import static net.dta.protocol.telemetry.IntFormat.*;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Writes Telemetry Report v2.0 datagrams (docs/int.md) the way an INT switch emits them: a group
 * header, then individual INT reports. Four report shapes, the ones the translator's INT ingest maps:
 * an INT-MD sink report (the embedded metadata stack of every earlier hop inside the truncated
 * packet, the sink's own metadata in the report), an INT-XD per-hop report, a drop report and a
 * queue-congestion report. Every method writes at {@code off} and returns the bytes written; nothing
 * allocates. The independent reference docs/tools/int_ref.py writes the same bytes.
 */
public final class IntReportWriter {
    /** Instruction bitmap of the INT-MD stacks written: node id, hop latency, queue id + occupancy (12 bytes a hop). */
    public static final int MD_INSTRUCTIONS = mask(MD_NODE_ID) | mask(MD_HOP_LATENCY) | mask(MD_QUEUE);
    /** RepMdBits of sink and per-hop reports: hop latency, queue id + occupancy (the node id is the group header's). */
    public static final int LOCAL_METADATA = mask(MD_HOP_LATENCY) | mask(MD_QUEUE);
    /** Remaining hop count the INT source starts with. */
    public static final int MAX_HOP_COUNT = 8;

    private IntReportWriter() {
    }

    /** The Telemetry Report Group Header: version 2, hardware id (6 bits), sequence number (22 bits), node id. */
    public static int groupHeader(MemorySegment s, long off, int hwId, int sequence, int nodeId) {
        Bytes.u32(s, off, ((long) REPORT_VERSION << 28) | ((long) (hwId & 0x3F) << 22) | (sequence & 0x3F_FFFF));
        Bytes.u32(s, off + 4, nodeId & 0xFFFF_FFFFL);
        return GROUP_HEADER_LENGTH;
    }

    /**
     * An INT-MD sink report for a packet that crossed {@code hops.count} switches: hops 0..count-2
     * in the INT-MD stack of the truncated packet (INT over UDP to {@code intUdpPort}, NPT 2: the
     * original transport header follows the stack), hop count-1 (this sink, whose node id is the group
     * header's) as the report's own metadata.
     */
    public static int mdSinkReport(MemorySegment s, long off, IntFlow flow, int intUdpPort, IntHops hops) {
        int stack = hops.count - 1;
        int hopWords = length(MD_INSTRUCTIONS) / 4;
        int intBytes = SHIM_LENGTH + INT_HEADER_LENGTH + 4 * hopWords * stack;
        int l4 = flow.l4HeaderBytes();
        int inner = 20 + 8 + intBytes + l4;
        long p = reportHeader(s, off, IN_TYPE_IPV4, 2, inner, FLAG_TRACKED_FLOW, LOCAL_METADATA);
        int sink = hops.count - 1;
        Bytes.u32(s, p, hops.hopLatency[sink] & 0xFFFF_FFFFL);
        Bytes.u32(s, p + 4, ((long) (hops.queueId[sink] & 0xFF) << 24) | (hops.queueOccupancy[sink] & 0xFF_FFFF));
        p += 8;
        p = ipv4(s, p, flow, IntFlow.UDP, 8 + intBytes + l4 + flow.payloadBytes);
        // The UDP header that marks INT (destination port intUdpPort), then the shim (type MD, NPT 2,
        // length in words without the shim, the original IP protocol in the last byte).
        Bytes.u16(s, p, flow.srcPort);
        Bytes.u16(s, p + 2, intUdpPort);
        Bytes.u16(s, p + 4, 8 + intBytes + l4 + flow.payloadBytes);
        Bytes.u16(s, p + 6, 0);
        p += 8;
        Bytes.u32(s, p, ((long) SHIM_TYPE_MD << 28) | ((long) NPT_L4_HEADER << 26) | ((long) ((intBytes - SHIM_LENGTH) / 4) << 16)
                | (flow.protocol & 0xFF));
        p += 4;
        // INT-MD header: version 2, D E M 0, Hop ML, remaining hop count; instruction bitmap; DS fields 0.
        Bytes.u32(s, p, ((long) INT_VERSION << 28) | ((long) hopWords << 8) | Math.max(0, MAX_HOP_COUNT - stack));
        Bytes.u32(s, p + 4, (long) MD_INSTRUCTIONS << 16);
        Bytes.u32(s, p + 8, 0);
        p += INT_HEADER_LENGTH;
        // The stack: the most recent hop on top.
        for (int h = stack - 1; h >= 0; h--) {
            Bytes.u32(s, p, hops.nodeId[h] & 0xFFFF_FFFFL);
            Bytes.u32(s, p + 4, hops.hopLatency[h] & 0xFFFF_FFFFL);
            Bytes.u32(s, p + 8, ((long) (hops.queueId[h] & 0xFF) << 24) | (hops.queueOccupancy[h] & 0xFF_FFFF));
            p += 12;
        }
        p = l4(s, p, flow);
        return (int) (p - off);
    }

    /** An INT-XD per-hop report (postcard): this switch's hop latency and queue, the packet as it left (its TTL). */
    public static int perHopReport(MemorySegment s, long off, IntFlow flow, int hopLatency, int queueId, int occupancy) {
        int l4 = flow.l4HeaderBytes();
        long p = reportHeader(s, off, IN_TYPE_IPV4, 2, 20 + l4, FLAG_TRACKED_FLOW, LOCAL_METADATA);
        Bytes.u32(s, p, hopLatency & 0xFFFF_FFFFL);
        Bytes.u32(s, p + 4, ((long) (queueId & 0xFF) << 24) | (occupancy & 0xFF_FFFF));
        return (int) (packet(s, p + 8, flow) - off);
    }

    /** A drop report: RepMdBits bit 15 (queue id, drop reason, padding), the dropped packet's headers. */
    public static int dropReport(MemorySegment s, long off, IntFlow flow, int queueId, int dropReason) {
        int l4 = flow.l4HeaderBytes();
        long p = reportHeader(s, off, IN_TYPE_IPV4, 1, 20 + l4, FLAG_DROPPED, mask(MD_BIT_15));
        Bytes.u32(s, p, ((long) (queueId & 0xFF) << 24) | ((long) (dropReason & 0xFF) << 16));
        return (int) (packet(s, p + 4, flow) - off);
    }

    /** A queue-congestion report: RepMdBits bit 3 (queue id, occupancy), the packet that entered the queue. */
    public static int queueReport(MemorySegment s, long off, IntFlow flow, int queueId, int occupancy) {
        int l4 = flow.l4HeaderBytes();
        long p = reportHeader(s, off, IN_TYPE_IPV4, 1, 20 + l4, FLAG_CONGESTED_QUEUE, mask(MD_QUEUE));
        Bytes.u32(s, p, ((long) (queueId & 0xFF) << 24) | (occupancy & 0xFF_FFFF));
        return (int) (packet(s, p + 4, flow) - off);
    }

    /** The truncated packet of a report without INT headers: IPv4 and the transport header. */
    private static long packet(MemorySegment s, long p, IntFlow flow) {
        return l4(s, ipv4(s, p, flow, flow.protocol, flow.l4HeaderBytes() + flow.payloadBytes), flow);
    }

    /** Individual report header and INT main contents (domain-specific fields 0); returns where the metadata goes. */
    private static long reportHeader(MemorySegment s, long off, int inType, int mdWords, int innerBytes, int flags, int repMdBits) {
        int reportWords = (INT_MAIN_FIXED_LENGTH + 4 * mdWords + innerBytes) / 4;
        Bytes.u32(s, off, ((long) REP_TYPE_INT << 28) | ((long) inType << 24) | ((long) reportWords << 16) | ((long) mdWords << 8)
                | flags);
        Bytes.u32(s, off + 4, (long) repMdBits << 16);
        Bytes.u32(s, off + 8, 0);
        return off + REPORT_HEADER_LENGTH + INT_MAIN_FIXED_LENGTH;
    }

    /** An IPv4 header without options, with a correct header checksum; {@code after} bytes follow it in the original packet. */
    private static long ipv4(MemorySegment s, long p, IntFlow flow, int protocol, int after) {
        Bytes.u32(s, p, 0x4500_0000L | ((20 + after) & 0xFFFF));
        Bytes.u32(s, p + 4, 0x0000_4000L);
        Bytes.u32(s, p + 8, ((long) (flow.ttl & 0xFF) << 24) | ((long) (protocol & 0xFF) << 16));
        Bytes.u32(s, p + 12, flow.srcIp & 0xFFFF_FFFFL);
        Bytes.u32(s, p + 16, flow.dstIp & 0xFFFF_FFFFL);
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += Bytes.u16(s, p + i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        Bytes.u16(s, p + 10, (int) (~sum & 0xFFFF));
        return p + 20;
    }

    /** The original transport header: TCP (20 bytes, ACK, data offset 5) or UDP (8 bytes); checksums 0. */
    private static long l4(MemorySegment s, long p, IntFlow flow) {
        Bytes.u16(s, p, flow.srcPort);
        Bytes.u16(s, p + 2, flow.dstPort);
        if (flow.protocol == IntFlow.TCP) {
            Bytes.u64(s, p + 4, 0);
            Bytes.u32(s, p + 12, 0x5010_FFFFL);
            Bytes.u32(s, p + 16, 0);
            return p + 20;
        }
        Bytes.u16(s, p + 4, 8 + flow.payloadBytes);
        Bytes.u16(s, p + 6, 0);
        return p + 8;
    }
}
