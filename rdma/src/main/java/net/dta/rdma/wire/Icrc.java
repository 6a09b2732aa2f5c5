package net.dta.rdma.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import net.dta.protocol.Bytes;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/**
 * The RoCEv2 invariant CRC (protocol.md 5.3): CRC-32 over 8 bytes of 0xFF, the IPv4 header with
 * TOS, TTL and header checksum as ones, the UDP header with its checksum as ones, the BTH with
 * byte 4 (FECN/BECN/reserved) as ones, and the rest of the packet up to the ICRC; stored
 * least-significant byte first.
 *
 * <p>Allocation-free after the first use of a segment: the 48 masked leading bytes go through a
 * scratch array, the rest through a cached {@link ByteBuffer} view of the caller's segment (so
 * that the JDK's CRC-32 intrinsic does the bulk of the work). Not thread-safe: one per thread.
 */
public final class Icrc {
    public static final int LENGTH = 4;
    /** IPv4 + UDP + BTH: the bytes that are masked. */
    private static final int MASKED_SPAN = Ipv4Header.LENGTH + UdpHeader.LENGTH + Bth.LENGTH;
    private static final int PREFIX = 8;

    private final CRC32 crc = new CRC32();
    private final byte[] scratch = new byte[PREFIX + MASKED_SPAN];
    private MemorySegment cachedSegment;
    private ByteBuffer cachedBuffer;

    /**
     * Computes the ICRC of a packet whose IPv4 header starts at {@code ipOffset} and which has
     * {@code coveredLength} bytes from there up to (not including) the ICRC field.
     *
     * @return the CRC value (store it with {@link #store})
     */
    public int compute(MemorySegment segment, long ipOffset, int coveredLength) {
        if (coveredLength < MASKED_SPAN) {
            throw new IllegalArgumentException("an ICRC covers at least IPv4+UDP+BTH (40 bytes), got " + coveredLength);
        }
        for (int i = 0; i < PREFIX; i++) {
            scratch[i] = (byte) 0xFF;
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, ipOffset, scratch, PREFIX, MASKED_SPAN);
        int ip = PREFIX;
        int udp = ip + Ipv4Header.LENGTH;
        int bth = udp + UdpHeader.LENGTH;
        scratch[ip + Ipv4Header.TOS_OFFSET] = (byte) 0xFF;
        scratch[ip + Ipv4Header.TTL_OFFSET] = (byte) 0xFF;
        scratch[ip + Ipv4Header.CHECKSUM_OFFSET] = (byte) 0xFF;
        scratch[ip + Ipv4Header.CHECKSUM_OFFSET + 1] = (byte) 0xFF;
        scratch[udp + UdpHeader.CHECKSUM_OFFSET] = (byte) 0xFF;
        scratch[udp + UdpHeader.CHECKSUM_OFFSET + 1] = (byte) 0xFF;
        scratch[bth + Bth.FECN_BECN_OFFSET] = (byte) 0xFF;
        crc.reset();
        crc.update(scratch, 0, scratch.length);
        int rest = coveredLength - MASKED_SPAN;
        if (rest > 0) {
            ByteBuffer view = view(segment);
            long start = ipOffset + MASKED_SPAN;
            view.clear();
            view.position((int) start).limit((int) (start + rest));
            crc.update(view);
        }
        return (int) crc.getValue();
    }

    /** Computes and stores the ICRC right after the covered bytes; returns the value. */
    public int store(MemorySegment segment, long ipOffset, int coveredLength) {
        int value = compute(segment, ipOffset, coveredLength);
        segment.set(Bytes.U32_LE, ipOffset + coveredLength, value);
        return value;
    }

    /** Whether the 4 bytes after the covered ones hold the right ICRC. */
    public boolean verify(MemorySegment segment, long ipOffset, int coveredLength) {
        return compute(segment, ipOffset, coveredLength) == segment.get(Bytes.U32_LE, ipOffset + coveredLength);
    }

    private ByteBuffer view(MemorySegment segment) {
        if (segment != cachedSegment) {
            cachedBuffer = segment.asByteBuffer();
            cachedSegment = segment;
        }
        return cachedBuffer;
    }
}
