package net.dta.rdma.soft;

import java.security.SecureRandom;

/**
 * Random values the passive side of CM picks: local communication ids and the starting PSN it
 * announces in the REP. An interface so that tests can reproduce protocol.md's vectors.
 */
public interface IdSource {
    int nextCommId();

    /** 24-bit. */
    int nextStartingPsn();

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
        };
    }
}
