package net.dta.protocol.auth;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MACs of DTA's RDMA CM private data (protocol.md 7.2): HMAC-SHA256 with the deployment's
 * secret, truncated to 16 bytes. The REQ's MAC proves the requester holds the secret and binds the
 * REQ to its addresses and queue pair; the REP's MAC binds the answer to that REQ, so a REP raced
 * by anyone without the secret is refused. Control path: allocation is fine.
 */
public final class CmMac {
    public static final int BYTES = 16;
    static final byte[] REQ_LABEL = "DTA-CM-REQ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] REP_LABEL = "DTA-CM-REP".getBytes(StandardCharsets.US_ASCII);

    private CmMac() {
    }

    /** The REQ's MAC over the label, the binding and the signed part of the DTA REQ data. */
    public static byte[] request(byte[] secret, CmBinding b, MemorySegment dtaData, long off, int signedBytes) {
        ByteBuffer m = ByteBuffer.allocate(REQ_LABEL.length + 16 + signedBytes);
        m.put(REQ_LABEL).putInt(b.requesterIp()).putShort((short) b.requesterPort()).putInt(b.collectorIp())
                .putShort((short) b.cmPort()).putInt(b.requesterQpn() & 0xFF_FFFF);
        m.put(dtaData.asSlice(off, signedBytes).toArray(ValueLayout.JAVA_BYTE));
        return hmac(secret, m.array());
    }

    /** The REP's MAC over the label, the REQ's MAC, the collector's QPN and the signed part of the DTA REP data. */
    public static byte[] reply(byte[] secret, byte[] requestMac, int collectorQpn, MemorySegment repData, long off,
                               int signedBytes) {
        ByteBuffer m = ByteBuffer.allocate(REP_LABEL.length + BYTES + 4 + signedBytes);
        m.put(REP_LABEL).put(requestMac, 0, BYTES).putInt(collectorQpn & 0xFF_FFFF);
        m.put(repData.asSlice(off, signedBytes).toArray(ValueLayout.JAVA_BYTE));
        return hmac(secret, m.array());
    }

    /** Constant-time comparison of a computed MAC with the {@value #BYTES} bytes at {@code off}. */
    public static boolean matches(byte[] expected, MemorySegment src, long off) {
        return MessageDigest.isEqual(expected, src.asSlice(off, BYTES).toArray(ValueLayout.JAVA_BYTE));
    }

    private static byte[] hmac(byte[] secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] full = mac.doFinal(message);
            byte[] out = new byte[BYTES];
            System.arraycopy(full, 0, out, 0, BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
