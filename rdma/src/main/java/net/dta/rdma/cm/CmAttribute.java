package net.dta.rdma.cm;

/** CM attribute ids (protocol.md 7.2) and their names; {@link #name(int)} never throws. */
public final class CmAttribute {
    public static final int REQ = 0x0010;
    public static final int MRA = 0x0011;
    public static final int REJ = 0x0012;
    public static final int REP = 0x0013;
    public static final int RTU = 0x0014;
    public static final int DREQ = 0x0015;
    public static final int DREP = 0x0016;

    private CmAttribute() {
    }

    public static String name(int attributeId) {
        return switch (attributeId) {
            case REQ -> "REQ";
            case MRA -> "MRA";
            case REJ -> "REJ";
            case REP -> "REP";
            case RTU -> "RTU";
            case DREQ -> "DREQ";
            case DREP -> "DREP";
            default -> String.format("attribute(0x%04x)", attributeId);
        };
    }

    /** Whether this endpoint handles the attribute (all of the above but MRA). */
    public static boolean known(int attributeId) {
        return attributeId >= REQ && attributeId <= DREP && attributeId != MRA;
    }
}
