package net.dta.protocol.catalog;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.protocol.auth.CmBinding;
import net.dta.protocol.auth.CmMac;

/**
 * The DTA part of a CM REQ's private data, after the 36-byte IP CM header (protocol.md 7.2),
 * version 2: translator id, a timestamp and a nonce, and the MAC that proves the sender holds the
 * deployment's secret.
 *
 * <pre>
 *  0 magic u32 "DTA1" | 4 version u16 (2) | 6 translator id u16
 *  8 timestamp u64 (ms since the Unix epoch)
 * 16 nonce u64 (random per REQ)
 * 24 MAC (16 bytes) | 40..55 zero
 * </pre>
 */
public record ConnectRequestData(int translatorId, long timestampMillis, long nonce) {
    public static final int MAGIC = 0x44544131;
    public static final int VERSION = 2;
    /** Bytes available after the IP CM header in the 92-byte REQ private data. */
    public static final int BYTES = 56;
    /** The bytes the MAC covers (magic through nonce). */
    public static final int SIGNED_BYTES = 24;
    public static final int MAC_OFFSET = 24;

    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

    /** The 56 bytes of a fresh REQ's DTA data: now as the timestamp, a random nonce, the MAC for {@code binding}. */
    public static byte[] fresh(byte[] secret, int translatorId, CmBinding binding) {
        byte[] out = new byte[BYTES];
        new ConnectRequestData(translatorId, System.currentTimeMillis(), NONCES.nextLong())
                .encode(MemorySegment.ofArray(out), 0, secret, binding);
        return out;
    }

    /** Writes the data and its MAC for the REQ described by {@code binding}. */
    public void encode(MemorySegment dst, long off, byte[] secret, CmBinding binding) {
        dst.asSlice(off, BYTES).fill((byte) 0);
        Bytes.u32(dst, off, MAGIC);
        Bytes.u16(dst, off + 4, VERSION);
        Bytes.u16(dst, off + 6, translatorId);
        Bytes.u64(dst, off + 8, timestampMillis);
        Bytes.u64(dst, off + 16, nonce);
        byte[] mac = CmMac.request(secret, binding, dst, off, SIGNED_BYTES);
        MemorySegment.copy(MemorySegment.ofArray(mac), 0, dst, off + MAC_OFFSET, CmMac.BYTES);
    }

    /** The version field, or 0 when the bytes do not start with the DTA magic (a plain RDMA client). */
    public static int version(MemorySegment src, long off) {
        return Bytes.u32(src, off) == (MAGIC & 0xFFFF_FFFFL) ? Bytes.u16(src, off + 4) : 0;
    }

    /** Null unless the bytes are DTA REQ data of this version (the MAC is not checked: {@link #macValid}). */
    public static ConnectRequestData decode(MemorySegment src, long off) {
        if (version(src, off) != VERSION) {
            return null;
        }
        return new ConnectRequestData(Bytes.u16(src, off + 6), Bytes.u64(src, off + 8), Bytes.u64(src, off + 16));
    }

    /** Whether the MAC at {@link #MAC_OFFSET} is the one {@code secret} gives for these bytes and this binding. */
    public static boolean macValid(MemorySegment src, long off, byte[] secret, CmBinding binding) {
        return CmMac.matches(CmMac.request(secret, binding, src, off, SIGNED_BYTES), src, off + MAC_OFFSET);
    }

    /** The REQ's MAC (the REP's MAC covers it). */
    public static byte[] mac(MemorySegment src, long off) {
        return src.asSlice(off + MAC_OFFSET, CmMac.BYTES).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
