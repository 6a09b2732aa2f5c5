package net.dta.rdma.cm;

import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;

/**
 * Flyweight over the common MAD header (24 bytes) of a 256-byte management datagram
 * (protocol.md 7.2; IBTA Vol. 1 13.4.2).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | BaseVersion   |  MgmtClass    | ClassVersion  |R|   Method    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Status             |        ClassSpecific          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     TransactionID (64)                        |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          AttributeID          |           Reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     AttributeModifier                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class MadHeader {
    public static final int BASE_VERSION_OFFSET = 0;
    public static final int MGMT_CLASS_OFFSET = 1;
    public static final int CLASS_VERSION_OFFSET = 2;
    public static final int METHOD_OFFSET = 3;
    public static final int STATUS_OFFSET = 4;
    public static final int CLASS_SPECIFIC_OFFSET = 6;
    public static final int TRANSACTION_ID_OFFSET = 8;
    public static final int ATTRIBUTE_ID_OFFSET = 16;
    public static final int ATTRIBUTE_MODIFIER_OFFSET = 20;
    public static final int LENGTH = 24;
    /** A whole MAD. */
    public static final int MAD_LENGTH = 256;
    /** The CM message after the header. */
    public static final int DATA_LENGTH = MAD_LENGTH - LENGTH;

    public static final int BASE_VERSION = 1;
    public static final int CLASS_CM = 0x07;
    public static final int CM_CLASS_VERSION = 2;
    public static final int METHOD_SEND = 0x03;

    private MemorySegment segment;
    private long offset;

    public MadHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public int baseVersion() {
        return Bytes.u8(segment, offset + BASE_VERSION_OFFSET);
    }

    public MadHeader baseVersion(int v) {
        Bytes.u8(segment, offset + BASE_VERSION_OFFSET, v);
        return this;
    }

    public int mgmtClass() {
        return Bytes.u8(segment, offset + MGMT_CLASS_OFFSET);
    }

    public MadHeader mgmtClass(int v) {
        Bytes.u8(segment, offset + MGMT_CLASS_OFFSET, v);
        return this;
    }

    public int classVersion() {
        return Bytes.u8(segment, offset + CLASS_VERSION_OFFSET);
    }

    public MadHeader classVersion(int v) {
        Bytes.u8(segment, offset + CLASS_VERSION_OFFSET, v);
        return this;
    }

    public int method() {
        return Bytes.u8(segment, offset + METHOD_OFFSET);
    }

    public MadHeader method(int v) {
        Bytes.u8(segment, offset + METHOD_OFFSET, v);
        return this;
    }

    public int status() {
        return Bytes.u16(segment, offset + STATUS_OFFSET);
    }

    public MadHeader status(int v) {
        Bytes.u16(segment, offset + STATUS_OFFSET, v);
        return this;
    }

    public int classSpecific() {
        return Bytes.u16(segment, offset + CLASS_SPECIFIC_OFFSET);
    }

    public MadHeader classSpecific(int v) {
        Bytes.u16(segment, offset + CLASS_SPECIFIC_OFFSET, v);
        return this;
    }

    public long transactionId() {
        return Bytes.u64(segment, offset + TRANSACTION_ID_OFFSET);
    }

    public MadHeader transactionId(long v) {
        Bytes.u64(segment, offset + TRANSACTION_ID_OFFSET, v);
        return this;
    }

    public int attributeId() {
        return Bytes.u16(segment, offset + ATTRIBUTE_ID_OFFSET);
    }

    /** Sets the attribute id; the reserved word after it is written as zero. */
    public MadHeader attributeId(int v) {
        Bytes.u16(segment, offset + ATTRIBUTE_ID_OFFSET, v);
        Bytes.u16(segment, offset + ATTRIBUTE_ID_OFFSET + 2, 0);
        return this;
    }

    public long attributeModifier() {
        return Bytes.u32(segment, offset + ATTRIBUTE_MODIFIER_OFFSET);
    }

    public MadHeader attributeModifier(long v) {
        Bytes.u32(segment, offset + ATTRIBUTE_MODIFIER_OFFSET, v);
        return this;
    }

    /** Writes a CM Send header as our peers expect it (base version 1, class CM v2, method Send, status 0). */
    public MadHeader cmSend(int attributeId, long transactionId) {
        return baseVersion(BASE_VERSION).mgmtClass(CLASS_CM).classVersion(CM_CLASS_VERSION).method(METHOD_SEND)
                .status(0).classSpecific(0).transactionId(transactionId).attributeId(attributeId).attributeModifier(0);
    }
}
