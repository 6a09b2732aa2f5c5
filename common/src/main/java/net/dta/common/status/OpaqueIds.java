package net.dta.common.status;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names for things whose real identifier is a {@link Secret} (a queue pair's QPN), for status rows
 * and metric labels anyone may read: a keyed hash (HMAC-SHA256 under a key drawn once per process),
 * the same for the same value while the process runs, telling nothing about the value.
 */
public final class OpaqueIds {
    private static final SecretKeySpec KEY;

    static {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        KEY = new SecretKeySpec(k, "HmacSHA256");
    }

    private OpaqueIds() {
    }

    /** The prefix, a dash and 8 hex digits (e.g. {@code qp-1a2b3c4d}): 32 bits of the keyed hash of (prefix, value). */
    public static String of(String prefix, long value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(KEY);
            byte[] h = mac.doFinal((prefix + ":" + value).getBytes(StandardCharsets.UTF_8));
            return prefix + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
