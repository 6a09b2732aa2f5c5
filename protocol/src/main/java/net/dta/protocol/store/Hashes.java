package net.dta.protocol.store;

import net.dta.protocol.hash.DtaHash;

/** One {@link DtaHash} per thread for readers that serve concurrent queries. */
final class Hashes {
    private static final ThreadLocal<DtaHash> PER_THREAD = ThreadLocal.withInitial(DtaHash::new);

    private Hashes() {
    }

    static DtaHash get() {
        return PER_THREAD.get();
    }
}
