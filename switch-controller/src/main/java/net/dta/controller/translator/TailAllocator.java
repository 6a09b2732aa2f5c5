package net.dta.controller.translator;

import java.util.Map;
import java.util.TreeMap;

import net.dta.deployment.DeploymentLoader;

/**
 * Which Append tail registers ({@code dta_append_tail}, 65536 of them) each Append store of one
 * translator uses: a store of L lists takes L consecutive registers from its base. Bases come from
 * the deployment file, from what the translator already holds, or are allocated: the lowest free
 * range. An allocation lasts as long as the controller runs. Used on the session thread only
 * (through {@link TailRecovery}).
 */
final class TailAllocator {
    private final TreeMap<Integer, int[]> byBase = new TreeMap<>();
    private final Map<Integer, int[]> byStore = new TreeMap<>();

    /** The base of a store, or -1 when it has none yet. */
    int baseOf(int storeId) {
        int[] r = byStore.get(storeId);
        return r == null ? -1 : r[0];
    }

    /**
     * Records a fixed range (from the file, or found on the translator); false when it overlaps
     * another store's range or does not fit.
     */
    boolean fix(int storeId, int base, int lists) {
        int[] mine = byStore.get(storeId);
        if (mine != null && mine[0] == base && mine[1] == lists) {
            return true;
        }
        release(storeId);
        if (base < 0 || (long) base + lists > DeploymentLoader.TAIL_REGISTERS || overlaps(base, lists)) {
            return false;
        }
        put(storeId, base, lists);
        return true;
    }

    /** The lowest free range of {@code lists} registers; -1 when none is left. */
    int allocate(int storeId, int lists) {
        int[] mine = byStore.get(storeId);
        if (mine != null && mine[1] == lists) {
            return mine[0];
        }
        release(storeId);
        int candidate = 0;
        for (int[] r : byBase.values()) {
            if ((long) candidate + lists <= r[0]) {
                break;
            }
            candidate = Math.max(candidate, r[0] + r[1]);
        }
        if ((long) candidate + lists > DeploymentLoader.TAIL_REGISTERS) {
            return -1;
        }
        put(storeId, candidate, lists);
        return candidate;
    }

    void release(int storeId) {
        int[] r = byStore.remove(storeId);
        if (r != null) {
            byBase.remove(r[0]);
        }
    }

    void clear() {
        byBase.clear();
        byStore.clear();
    }

    private boolean overlaps(int base, int lists) {
        for (int[] r : byBase.values()) {
            if (base < r[0] + r[1] && r[0] < base + lists) {
                return true;
            }
        }
        return false;
    }

    private void put(int storeId, int base, int lists) {
        int[] r = {base, lists};
        byBase.put(base, r);
        byStore.put(storeId, r);
    }
}
