package net.dta.demo;

import java.util.List;

import net.dta.protocol.Keys;
import net.dta.protocol.hash.DtaHash;
import net.dta.reporter.DtaReporter;

/**
 * The demo's own telemetry: three fixed flows whose paths and values are documented (docs/demo.md)
 * so that a newcomer can query them by hand, and one event a second in a list of its own. Every
 * second each flow reports, through the translator like any reporter, its path (one postcard per
 * hop), the deepest queue on it (Key-Write), its bytes (Key-Increment) and packets (Sketch-Merge).
 * Re-sending every second keeps them readable while the generated load overwrites other slots.
 *
 * <p>Their keys are outside the load's key space (10.x.y.z to 10.128.x.y), so nothing else writes
 * them. Hop values follow the reporters' convention {@code switch id << 24 | queue depth}.
 */
final class DemoFlows {
    /**
     * A demo flow: web (HTTPS, leaf 11 to leaf 12 through spine 21), dns (leaf 11 to leaf 13 through
     * spine 22) or backup (rsync, 5 hops through core 31).
     *
     * @param switches        switch ids of its hops, in path order
     * @param queueDepths     queue depth (cells) at each hop
     * @param bytesPerSecond  added to {@code flow-bytes} every second
     * @param packetsPerSecond added to {@code heavy-hitters} every second
     */
    record Flow(String name, String key, int[] switches, int[] queueDepths, long bytesPerSecond,
                long packetsPerSecond) {
        byte[] keyBytes() {
            return Keys.parse(key);
        }

        /** The Key-Write value: the deepest queue on the path. */
        int deepestQueue() {
            int max = 0;
            for (int d : queueDepths) {
                max = Math.max(max, d);
            }
            return max;
        }

        int hops() {
            return switches.length;
        }

        /** "11 > 21 > 12". */
        String pathText() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < switches.length; i++) {
                b.append(i == 0 ? "" : " > ").append(switches[i]);
            }
            return b.toString();
        }

        int hopValue(int hop) {
            return switches[hop] << 24 | queueDepths[hop];
        }
    }

    static final Flow WEB = new Flow("web", "192.168.1.10:52000->192.168.2.20:443/tcp",
            new int[] {11, 21, 12}, new int[] {5, 40, 12}, 150_000, 100);
    static final Flow DNS = new Flow("dns", "192.168.1.11:53000->192.168.3.53:53/udp",
            new int[] {11, 22, 13}, new int[] {2, 3, 1}, 8_000, 100);
    static final Flow BACKUP = new Flow("backup", "192.168.1.12:41000->192.168.4.40:873/tcp",
            new int[] {11, 21, 31, 23, 14}, new int[] {9, 60, 250, 80, 7}, 1_500_000, 1_000);
    static final List<Flow> ALL = List.of(WEB, DNS, BACKUP);

    private final DtaHash hash = new DtaHash();

    /**
     * One event of the demo's event list: run number in the top byte, seconds since the run started
     * below, so that entries of earlier runs are told from new ones at a glance.
     */
    static int event(int run, long second) {
        return (run & 0xFF) << 24 | (int) (second & 0xFF_FFFF);
    }

    static int runOf(long event) {
        return (int) (event >>> 24) & 0xFF;
    }

    static long secondOf(long event) {
        return event & 0xFF_FFFF;
    }

    /** Sends one second's reports of every demo flow and one demo event, then flushes. */
    void sendSecond(DtaReporter reporter, int run, long second) {
        for (Flow f : ALL) {
            byte[] key = f.keyBytes();
            for (int hop = 0; hop < f.hops(); hop++) {
                reporter.postcard(DemoStores.PATHS_ID, key, hop, f.hops(), f.hopValue(hop));
            }
            reporter.keyWrite(DemoStores.QUEUE_DEPTH_ID, key, f.deepestQueue());
            reporter.keyIncrement(DemoStores.FLOW_BYTES_ID, key, f.bytesPerSecond());
            for (int row = 0; row < DemoStores.SKETCH_ROWS; row++) {
                long column = hash.index(key, row, DemoStores.SKETCH_LOG2_COLUMNS);
                reporter.sketchMerge(DemoStores.HEAVY_HITTERS_ID, row, column, new int[] {(int) f.packetsPerSecond()});
            }
        }
        reporter.append(DemoStores.DROPS_ID, DemoStores.DEMO_EVENTS_LIST, event(run, second));
        reporter.flush();
    }
}
