package net.dta.rdma.soft;

import java.security.SecureRandom;

/**
 * Random values the passive side of CM picks: local communication ids, the starting PSN it
 * announces in the REP and QPNs, all from a CSPRNG so that nobody off-path can guess them
 * (issue 13 item 6; rkeys and region addresses come from {@code RegionRegistry}'s). An interface
 * so that tests can reproduce protocol.md's vectors.
 */
public interface IdSource {
    int nextCommId();

    /** 24-bit. */
    int nextStartingPsn();

    /** A candidate QPN in {@code lowest..0xFFFFFF}; the caller retries on a QPN in use. */
    int nextQpn(int lowest);

    static IdSource random() {
        SecureRandom random = new SecureRandom();
        return new IdSource() {
            @Override
            public int nextCommId() {
                int id;
                do {
                    id = random.nextInt();
                } while (id == 0);
                return id;
            }

            @Override
            public int nextStartingPsn() {
                return random.nextInt(1 << 24);
            }

            @Override
            public int nextQpn(int lowest) {
                return random.nextInt(lowest, 0x100_0000);
            }
        };
    }
}
