package net.dta.rdma.cm;

/** IB path MTU codes of the CM REQ: 1 = 256 .. 5 = 4096 bytes of payload per packet. */
public final class PathMtu {
    public static final int MTU_1024 = 3;

    private PathMtu() {
    }

    /** Bytes for a code, or -1 for a code that names no MTU. */
    public static int bytes(int code) {
        return code >= 1 && code <= 5 ? 128 << code : -1;
    }

    /** Whether {@code bytes} is one of the IB path MTUs. */
    public static boolean valid(int bytes) {
        return bytes >= 256 && bytes <= 4096 && Integer.bitCount(bytes) == 1;
    }

    /** The code for 256, 512, 1024, 2048 or 4096 bytes. */
    public static int code(int bytes) {
        for (int c = 1; c <= 5; c++) {
            if (bytes(c) == bytes) {
                return c;
            }
        }
        throw new IllegalArgumentException("path MTU must be 256, 512, 1024, 2048 or 4096, got " + bytes);
    }
}
