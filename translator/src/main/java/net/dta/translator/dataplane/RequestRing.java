package net.dta.translator.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import net.dta.rdma.wire.Bth;
import net.dta.rdma.wire.RoceFrameWriter;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.translator.pipeline.Tables;

/**
 * The requests a queue pair sent and that are not acknowledged yet (protocol.md 5.6, retransmitting
 * requester): per collector, a ring of {@code size} slots indexed by {@code PSN mod size}, each
 * with a copy of the frame as sent and what it carries (primitive, reports). Go-back-N resends
 * frames from it unchanged (same PSN, same ICRC); acknowledgements and losses read the reports
 * from it. The engine keeps at most {@code size - 1} requests outstanding, so a slot is reused
 * only after its request was acknowledged or counted lost.
 *
 * <p>A collector's ring is allocated when its queue pair sends its first request (once; nothing
 * per packet). Data-plane thread only.
 */
final class RequestRing implements AutoCloseable {
    /** Room for the largest request frame (an Append batch of 16: 74 header bytes + 128). */
    static final int FRAME_BYTES = 256;
    private static final int LENGTH_MASK = 0x3FF;
    private static final int ANSWERED = 1 << 24;

    private final int size;
    private final int mask;
    private final boolean keepFrames;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] frames = new MemorySegment[Tables.COLLECTORS];
    // Per slot: frame length (bits 0-9), primitive (bits 12-14), reports carried (bits 16-23),
    // whether the responder answers the request by itself (bit 24: FETCH_ADD, READ, AckReq).
    private final int[][] meta = new int[Tables.COLLECTORS][];

    /**
     * @param size       slots per collector, a power of two
     * @param keepFrames whether frames are copied (a retransmitting requester) or only what they carry
     */
    RequestRing(int size, boolean keepFrames) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("the retransmit window must be a power of two, got " + size);
        }
        this.size = size;
        this.mask = size - 1;
        this.keepFrames = keepFrames;
    }

    int size() {
        return size;
    }

    /** Records the request just sent at {@code psn}. */
    void record(int c, int psn, MemorySegment from, long frame, int length, int primitive, int reports) {
        if (meta[c] == null) {
            meta[c] = new int[size];
            frames[c] = keepFrames ? arena.allocate((long) size * FRAME_BYTES, 64) : null;
        }
        int slot = psn & mask;
        boolean copy = keepFrames && length <= FRAME_BYTES;
        meta[c][slot] = (copy ? length : 0) | primitive << 12 | reports << 16 | (answered(from, frame) ? ANSWERED : 0);
        if (copy) {
            MemorySegment.copy(from, frame, frames[c], (long) slot * FRAME_BYTES, length);
        }
    }

    /** Whether the responder answers the request by itself: a FETCH_ADD, a READ, or a packet with AckReq (5.5). */
    private static boolean answered(MemorySegment s, long frame) {
        long bth = frame + RoceFrameWriter.BTH_OFFSET;
        int opcode = s.get(ValueLayout.JAVA_BYTE, bth + Bth.OPCODE_OFFSET) & 0xFF;
        return opcode == RoceOpcode.RC_FETCH_ADD || opcode == RoceOpcode.RC_RDMA_READ_REQUEST
                || (s.get(ValueLayout.JAVA_BYTE, bth + Bth.ACK_REQ_OFFSET) & 0x80) != 0;
    }

    /** Whether the request kept for {@code psn} is answered by the responder by itself (no later request needed). */
    boolean answered(int c, int psn) {
        return meta[c] != null && (meta[c][psn & mask] & ANSWERED) != 0;
    }

    int primitive(int c, int psn) {
        return meta[c] == null ? 0 : (meta[c][psn & mask] >>> 12) & 0x7;
    }

    int reports(int c, int psn) {
        return meta[c] == null ? 0 : (meta[c][psn & mask] >>> 16) & 0xFF;
    }

    /** The length of the frame kept for {@code psn}, 0 when none is kept. */
    int length(int c, int psn) {
        return meta[c] == null ? 0 : meta[c][psn & mask] & LENGTH_MASK;
    }

    /** Copies the frame kept for {@code psn} to {@code to} at {@code at}; returns its length. */
    int copy(int c, int psn, MemorySegment to, long at) {
        int length = length(c, psn);
        MemorySegment.copy(frames[c], (long) (psn & mask) * FRAME_BYTES, to, at, length);
        return length;
    }

    @Override
    public void close() {
        arena.close();
    }
}
