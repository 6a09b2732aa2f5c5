package net.dta.translator.p4runtime;

import com.google.protobuf.ByteString;

/**
 * P4Runtime binary strings (specification 8.4): big-endian, accepted in canonical (shortest) or
 * padded form as long as the value fits the field's bit width; returned in canonical form.
 */
final class Values {
    private Values() {
    }

    /** The value of a binary string of a field of {@code bits} (at most 64) bits. */
    static long decode(ByteString bytes, int bits, String what) throws P4Error {
        if (bytes.isEmpty()) {
            throw P4Error.invalid(what + ": an empty value (a binary string needs at least one byte)");
        }
        int first = 0;
        while (first < bytes.size() - 1 && bytes.byteAt(first) == 0) {
            first++;
        }
        int significant = bytes.size() - first;
        int usedBits = (significant - 1) * 8 + (32 - Integer.numberOfLeadingZeros(bytes.byteAt(first) & 0xFF));
        if (usedBits > bits) {
            throw P4Error.invalid(what + ": the value 0x" + hex(bytes) + " does not fit in " + bits + " bits");
        }
        long v = 0;
        for (int i = first; i < bytes.size(); i++) {
            v = (v << 8) | (bytes.byteAt(i) & 0xFF);
        }
        return v;
    }

    /** The canonical binary string of a value: no leading zero bytes, at least one byte. */
    static ByteString encode(long value) {
        int bytes = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 7) / 8);
        byte[] out = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return ByteString.copyFrom(out);
    }

    static String hex(ByteString bytes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bytes.size(); i++) {
            b.append(String.format("%02x", bytes.byteAt(i) & 0xFF));
        }
        return b.toString();
    }
}
