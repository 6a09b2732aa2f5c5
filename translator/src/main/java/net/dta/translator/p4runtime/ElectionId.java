package net.dta.translator.p4runtime;

import p4.v1.P4RuntimeOuterClass.Uint128;

/** A P4Runtime election id: an unsigned 128-bit number; the highest among connected clients is primary. */
record ElectionId(long high, long low) implements Comparable<ElectionId> {
    static ElectionId of(Uint128 u) {
        return new ElectionId(u.getHigh(), u.getLow());
    }

    Uint128 toProto() {
        return Uint128.newBuilder().setHigh(high).setLow(low).build();
    }

    @Override
    public int compareTo(ElectionId o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public String toString() {
        return high == 0 ? Long.toUnsignedString(low) : "(" + Long.toUnsignedString(high) + ", " + Long.toUnsignedString(low) + ")";
    }
}
