package net.dta.p4;

import java.math.BigInteger;

import com.google.protobuf.ByteString;

/**
 * P4Runtime binary strings (P4Runtime specification 8.4): big-endian unsigned numbers, in
 * canonical form (no leading zero bytes, at least one byte) or padded to the field's width
 * (ceil(bits / 8) bytes). The one owner of their encoding for both sides: the controller sends
 * padded values (every server accepts them, old BMv2 included) and reads any length; the
 * translator's server accepts either form when the value fits the field and answers canonically.
 */
public final class BinaryStrings {
    private BinaryStrings() {
    }

    /** {@code value} as an unsigned number of {@code bits}, padded; throws naming {@code what} when it does not fit. */
    public static ByteString padded(long value, int bits, String what) {
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

    /** The canonical binary string of an unsigned value: no leading zero bytes, at least one byte. */
    public static ByteString canonical(long value) {
        int bytes = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 7) / 8);
        byte[] out = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return ByteString.copyFrom(out);
    }

    /** The unsigned value of a binary string of any length (its low 8 bytes): for values read back from a switch. */
    public static long decode(ByteString bytes) {
        long v = 0;
        for (int i = 0; i < bytes.size(); i++) {
            v = v << 8 | (bytes.byteAt(i) & 0xFF);
        }
        return v;
    }

    /**
     * The value of a binary string for a field of {@code bits} (at most 64) bits, canonical or padded:
     * for values a client sent. Throws naming {@code what} when it is empty or does not fit.
     */
    public static long decode(ByteString bytes, int bits, String what) {
        if (bytes.isEmpty()) {
            throw new IllegalArgumentException(what + ": an empty value (a binary string needs at least one byte)");
        }
        int first = 0;
        while (first < bytes.size() - 1 && bytes.byteAt(first) == 0) {
            first++;
        }
        int significant = bytes.size() - first;
        int usedBits = (significant - 1) * 8 + (32 - Integer.numberOfLeadingZeros(bytes.byteAt(first) & 0xFF));
        if (usedBits > bits) {
            throw new IllegalArgumentException(what + ": the value 0x" + hex(bytes) + " does not fit in " + bits + " bits");
        }
        return decode(bytes.substring(first));
    }

    /** A comparable form of any binary string (padded and canonical forms compare equal). */
    public static BigInteger number(ByteString bytes) {
        return new BigInteger(1, bytes.toByteArray());
    }

    /** Lower-case hex of every byte, for messages. */
    public static String hex(ByteString bytes) {
        StringBuilder b = new StringBuilder(bytes.size() * 2);
        for (int i = 0; i < bytes.size(); i++) {
            b.append(Character.forDigit((bytes.byteAt(i) >> 4) & 0xF, 16)).append(Character.forDigit(bytes.byteAt(i) & 0xF, 16));
        }
        return b.toString();
    }
}
