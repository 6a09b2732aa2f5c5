package net.dta.protocol.layout;

/**
 * Key-Write: 2^log2Slots slots of slotBytes (8, 16, 32); slot = tag u32 || value (protocol.md 4.2).
 */
public record KeyWriteLayout(int log2Slots, int slotBytes, int defaultRedundancy) implements StoreLayout {
    public KeyWriteLayout {
        LayoutException.log2("log2-slots", log2Slots);
        if (slotBytes != 8 && slotBytes != 16 && slotBytes != 32) {
            throw new LayoutException("slot-bytes", "must be 8, 16 or 32 (values of 4, 12 or 28 bytes), got " + slotBytes);
        }
        LayoutException.range("redundancy", defaultRedundancy, 1, 8);
    }

    public static KeyWriteLayout forValueBytes(int log2Slots, int valueBytes, int redundancy) {
        return new KeyWriteLayout(log2Slots, valueBytes + 4, redundancy);
    }

    @Override
    public StoreKind kind() {
        return StoreKind.KEY_WRITE;
    }

    public long slots() {
        return 1L << log2Slots;
    }

    public int valueBytes() {
        return slotBytes - 4;
    }

    public long slotOffset(int slotIndex) {
        return (slotIndex & 0xFFFF_FFFFL) * slotBytes;
    }

    @Override
    public long dataLength() {
        return slots() * slotBytes;
    }

    @Override
    public int[] params() {
        return new int[] {log2Slots, slotBytes, defaultRedundancy, 0};
    }
}
