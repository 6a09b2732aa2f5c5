package net.dta.controller.it.diff;

import java.util.HexFormat;

/** A frame as one line for a difference report: the BTH fields a reader looks at first, then the bytes. */
final class RoceText {
    private static final int BTH = 14 + 20 + 8;

    private RoceText() {
    }

    static String describe(byte[] f) {
        if (f == null) {
            return "(none)";
        }
        if (f.length < BTH + 12) {
            return f.length + " bytes " + HexFormat.of().formatHex(f);
        }
        int opcode = f[BTH] & 0xFF;
        int qp = ((f[BTH + 5] & 0xFF) << 16) | ((f[BTH + 6] & 0xFF) << 8) | (f[BTH + 7] & 0xFF);
        boolean ackReq = (f[BTH + 8] & 0x80) != 0;
        int psn = ((f[BTH + 9] & 0xFF) << 16) | ((f[BTH + 10] & 0xFF) << 8) | (f[BTH + 11] & 0xFF);
        return String.format("opcode 0x%02x qp 0x%06x psn 0x%06x%s %d bytes %s", opcode, qp, psn, ackReq ? " AckReq" : "",
                f.length, HexFormat.of().formatHex(f));
    }
}
