package net.dta.translator.telemetry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import net.dta.protocol.telemetry.IntFlow;
import net.dta.protocol.telemetry.IntHops;
import net.dta.protocol.telemetry.IntReportWriter;

/** One malformed or unsupported INT datagram per loss reason of {@link IntCounter} (docs/int.md, "Not supported"). */
final class MalformedInt {
    // Offsets in an INT-MD sink datagram as IntReportWriter writes it (2 words of local metadata).
    static final int REPORT = 8;
    static final int INNER_IP = 28;
    static final int SHIM = 56;
    static final int INT_HEADER = 60;

    private MalformedInt() {
    }

    static Map<IntCounter, byte[]> corpus(int intUdpPort) {
        Map<IntCounter, byte[]> m = new LinkedHashMap<>();
        m.put(IntCounter.TRUNCATED, new byte[] {0x20, 0, 0, 0, 0});
        m.put(IntCounter.OVERSIZED, oversized());
        m.put(IntCounter.BAD_VERSION, set(md(intUdpPort), 0, 0x30));
        m.put(IntCounter.UNSUPPORTED_REPORT_TYPE, set(md(intUdpPort), REPORT, 0x24));
        m.put(IntCounter.BAD_LENGTH, set(md(intUdpPort), REPORT + 2, 0x40));
        m.put(IntCounter.UNSUPPORTED_INNER_TYPE, set(md(intUdpPort), REPORT, 0x15));
        m.put(IntCounter.NOT_IPV4, set(md(intUdpPort), INNER_IP, 0x65));
        m.put(IntCounter.UNSUPPORTED_INT_TYPE, set(md(intUdpPort), SHIM, 0x28));
        m.put(IntCounter.BAD_INT_HEADER, set(md(intUdpPort), INT_HEADER, 0x30));
        m.put(IntCounter.SOURCE_ONLY_METADATA, set(md(intUdpPort), INT_HEADER + 2, 0x05));
        m.put(IntCounter.INTERMEDIATE_REPORT, set(md(intUdpPort), REPORT + 3, 0x30));
        // A drop report without RepMdBits bit 15 (queue id + drop reason).
        m.put(IntCounter.MISSING_METADATA, set(set(drop(), REPORT + 4, 0), REPORT + 5, 0));
        m.put(IntCounter.METADATA_UNAVAILABLE, unavailableQueue());
        m.put(IntCounter.TOO_MANY_HOPS, nineHops(intUdpPort));
        m.put(IntCounter.TTL_OUT_OF_RANGE, lowTtl());
        // No D, Q or F bit.
        m.put(IntCounter.UNMAPPED, set(drop(), REPORT + 3, 0));
        return m;
    }

    static IntFlow flow() {
        IntFlow f = new IntFlow().set(0x0A000101, 0x0A000202, 40000, 443, IntFlow.TCP);
        f.ttl = 62;
        f.payloadBytes = 100;
        return f;
    }

    static byte[] md(int intUdpPort) {
        MemorySegment s = MemorySegment.ofArray(new byte[512]);
        IntHops hops = new IntHops().hop(0, 1, 10, 0, 5).hop(1, 2, 20, 0, 6).hop(2, 3, 30, 0, 7).hop(3, 4, 40, 0, 8);
        int n = IntReportWriter.groupHeader(s, 0, 0, 1, 4);
        n += IntReportWriter.mdSinkReport(s, n, flow(), intUdpPort, hops);
        return s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] drop() {
        MemorySegment s = MemorySegment.ofArray(new byte[512]);
        int n = IntReportWriter.groupHeader(s, 0, 0, 1, 7);
        n += IntReportWriter.dropReport(s, n, flow(), 1, 9);
        return s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] unavailableQueue() {
        MemorySegment s = MemorySegment.ofArray(new byte[512]);
        int n = IntReportWriter.groupHeader(s, 0, 0, 1, 7);
        n += IntReportWriter.queueReport(s, n, flow(), 1, 0);
        byte[] d = s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        for (int i = 20; i < 24; i++) {
            d[i] = (byte) 0xFF;
        }
        return d;
    }

    static byte[] lowTtl() {
        MemorySegment s = MemorySegment.ofArray(new byte[512]);
        IntFlow f = flow();
        f.ttl = 10;
        int n = IntReportWriter.groupHeader(s, 0, 0, 1, 7);
        n += IntReportWriter.perHopReport(s, n, f, 100, 1, 2);
        return s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** An INT-MD sink report whose stack holds 9 hops of (node id, queue) and a sink: 10 hops, over DTA's 8. */
    static byte[] nineHops(int intUdpPort) {
        int stack = 9;
        int intWords = 3 + 2 * stack;
        ByteBuffer inner = ByteBuffer.allocate(20 + 8 + 4 + 4 * intWords + 20);
        inner.putInt(0x4500_0000 | inner.capacity()).putInt(0x4000).putInt(0x4011_0000).putInt(0x0A000101).putInt(0x0A000202);
        inner.putShort((short) 40000).putShort((short) intUdpPort).putShort((short) (inner.capacity() - 20)).putShort((short) 0);
        inner.putInt(0x1800_0006 | intWords << 16);
        inner.putInt(0x2000_0200).putInt(0x9000_0000).putInt(0);
        for (int h = stack - 1; h >= 0; h--) {
            inner.putInt(h + 1).putInt(h);
        }
        inner.putShort((short) 40000).putShort((short) 443).putInt(0).putInt(0).putInt(0x5010_FFFF).putInt(0);
        ByteBuffer d = ByteBuffer.allocate(8 + 4 + 8 + 4 + inner.capacity());
        d.putInt(0x2000_0001).putInt(10);
        d.putInt(0x1400_0120 | ((8 + 4 + inner.capacity()) / 4) << 16);
        d.putInt(0x1000_0000).putInt(0);
        d.putInt(5);
        d.put(inner.array());
        return d.array();
    }

    static byte[] oversized() {
        byte[] d = new byte[5000];
        d[0] = 0x20;
        return d;
    }

    static byte[] set(byte[] d, int offset, int value) {
        d[offset] = (byte) value;
        return d;
    }
}
