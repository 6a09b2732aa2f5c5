package net.dta.translator.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The registers of translator-control.md 2 that the data plane owns: next PSN, last acknowledged
 * PSN, queue-pair state, lost packets (256 each, indexed by collector) and the Append tails
 * (indexed {@code tail_base + list}). One writer, the data-plane thread (control-plane writes reach
 * it as commands); any thread may read, with opaque loads (never torn, eventually current).
 */
public final class Registers {
    /** Register numbers, for generic access by the P4Runtime server. */
    public static final int NEXT_PSN = 0;
    public static final int LAST_ACKED_PSN = 1;
    public static final int QP_UP = 2;
    public static final int LOST_PACKETS = 3;
    public static final int APPEND_TAIL = 4;

    private static final VarHandle INT = MethodHandles.arrayElementVarHandle(int[].class);

    private final int[][] arrays;
    private final int[] widths = {32, 32, 8, 32, 32};

    public Registers(int appendTailSlots) {
        int c = Tables.COLLECTORS;
        arrays = new int[][] {new int[c], new int[c], new int[c], new int[c], new int[appendTailSlots]};
    }

    public int size(int register) {
        return arrays[register].length;
    }

    public int width(int register) {
        return widths[register];
    }

    /** Any thread. */
    public int get(int register, int index) {
        return (int) INT.getOpaque(arrays[register], index);
    }

    /** Data-plane thread only; the value is cut to the register's width. */
    public void set(int register, int index, int value) {
        int w = widths[register];
        INT.setOpaque(arrays[register], index, w == 32 ? value : value & ((1 << w) - 1));
    }

    /** Data-plane thread only: every register to zero (a new pipeline). */
    public void clear() {
        for (int[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                INT.setOpaque(a, i, 0);
            }
        }
    }

    // Hot-path accessors for the writer thread (its own writes are visible to it without fences).

    public int nextPsn(int c) {
        return arrays[NEXT_PSN][c];
    }

    public void nextPsn(int c, int psn) {
        INT.setOpaque(arrays[NEXT_PSN], c, psn & 0xFF_FFFF);
    }

    public int lastAcked(int c) {
        return arrays[LAST_ACKED_PSN][c];
    }

    public void lastAcked(int c, int psn) {
        INT.setOpaque(arrays[LAST_ACKED_PSN], c, psn & 0xFF_FFFF);
    }

    public boolean qpUp(int c) {
        return arrays[QP_UP][c] == 1;
    }

    public void qpUp(int c, boolean up) {
        INT.setOpaque(arrays[QP_UP], c, up ? 1 : 0);
    }

    public void addLost(int c, int packets) {
        INT.setOpaque(arrays[LOST_PACKETS], c, arrays[LOST_PACKETS][c] + packets);
    }

    public int appendTail(int slot) {
        return arrays[APPEND_TAIL][slot];
    }

    public void appendTail(int slot, int value) {
        INT.setOpaque(arrays[APPEND_TAIL], slot, value);
    }
}
