package net.dta.translator.pipeline;

import net.dta.protocol.report.DropReason;
import net.dta.packetio.status.CounterArray;
import net.dta.rdma.wire.AethSyndrome;

/**
 * The counters of translator-control.md 2, indexed as documented: reports accepted by opcode,
 * drops by reason code, and per collector requests sent, ACKs, NAKs ({@code collector x 4 +
 * (syndrome & 3)}), resynchronisations and probes. Written by the data-plane thread only (plain
 * increment, opaque store); read from any thread.
 */
public final class Counters {
    public static final int REPORTS = 0;
    public static final int DROPS = 1;
    public static final int QP_SENT = 2;
    public static final int QP_ACKS = 3;
    public static final int QP_NAKS = 4;
    public static final int QP_RESYNCS = 5;
    public static final int QP_PROBES = 6;
    public static final int COUNT = 7;

    private static final int[] SIZES = {8, DropReason.COUNTER_SLOTS, 256, 256, 256 * AethSyndrome.NAK_KINDS, 256, 256};
    private static final boolean[] BYTES = {true, false, true, false, false, false, false};

    private final CounterArray[] packets = new CounterArray[COUNT];
    private final CounterArray[] bytes = new CounterArray[COUNT];

    public Counters() {
        for (int i = 0; i < COUNT; i++) {
            packets[i] = new CounterArray(SIZES[i]);
            bytes[i] = BYTES[i] ? new CounterArray(SIZES[i]) : null;
        }
    }

    public int size(int counter) {
        return SIZES[counter];
    }

    public boolean countsBytes(int counter) {
        return BYTES[counter];
    }

    public long packets(int counter, int index) {
        return packets[counter].get(index);
    }

    public long bytes(int counter, int index) {
        return bytes[counter] == null ? 0 : bytes[counter].get(index);
    }

    /** Data-plane thread only. */
    public void count(int counter, int index) {
        packets[counter].increment(index);
    }

    /** Data-plane thread only. */
    public void count(int counter, int index, int byteCount) {
        packets[counter].increment(index);
        bytes[counter].add(index, byteCount);
    }

    /** Data-plane thread only: {@code n} events at once. */
    public void add(int counter, int index, long n) {
        packets[counter].add(index, n);
    }

    /** Data-plane thread only: a new pipeline starts from zero. */
    public void clear() {
        for (int i = 0; i < COUNT; i++) {
            for (int j = 0; j < SIZES[i]; j++) {
                packets[i].set(j, 0);
                if (bytes[i] != null) {
                    bytes[i].set(j, 0);
                }
            }
        }
    }

    public long drops(DropReason reason) {
        return packets(DROPS, reason.code());
    }
}
