package net.dta.controller.p4runtime;

import com.google.protobuf.ByteString;
import java.math.BigInteger;

/**
 * P4Runtime binary strings. Values are sent padded to the field's width (ceil(bits / 8) bytes,
 * the form every P4Runtime server accepts, old BMv2 included); values read back may be canonical
 * (leading zero bytes stripped), so reading accepts any length.
 */
public final class Values {
    private Values() {
    }

    /** {@code value} as an unsigned number of {@code bits}; throws naming {@code what} when it does not fit. */
    public static ByteString encode(long value, int bits, String what) {
        if (bits < 64 && (value < 0 || value >>> bits != 0)) {
            throw new IllegalArgumentException(what + ": " + Long.toUnsignedString(value) + " does not fit in " + bits + " bits");
        }
        int bytes = (bits + 7) / 8;
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[bytes - 1 - i] = i < 8 ? (byte) (value >>> (8 * i)) : 0;
        }
        return ByteString.copyFrom(out);
    }

    /** The unsigned value of a binary string of at most 8 significant bytes. */
    public static long decode(ByteString bytes) {
        long v = 0;
        for (int i = 0; i < bytes.size(); i++) {
            v = v << 8 | (bytes.byteAt(i) & 0xFF);
        }
        return v;
    }

    /** A comparable form of any binary string (padded and canonical forms compare equal). */
    public static BigInteger number(ByteString bytes) {
        return new BigInteger(1, bytes.toByteArray());
    }
}
