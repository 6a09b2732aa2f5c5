package net.dta.query.source;

import java.util.ArrayList;
import java.util.List;

import net.dta.collector.status.CollectorStatus;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.query.model.StatusReport;

/** A collector's own status (its {@code /status}) turned into the query service's health and store rows, rates not yet known. */
final class StatusMapping {
    private StatusMapping() {
    }

    static StatusReport.CollectorHealth health(String name, String source, String statusSource, CollectorStatus cs) {
        List<StatusReport.QueuePairHealth> qps = new ArrayList<>();
        for (CollectorStatus.QueuePair q : cs.queuePairs()) {
            qps.add(new StatusReport.QueuePairHealth(q.id(), q.remote(), q.state(), "RTS".equals(q.state()), q.packets(), q.writes(), q.atomics(), q.reads(), q.acks(), q.psnGaps(), q.duplicates(),
                    sum(q.naks()), sum(q.drops()), 0));
        }
        CollectorStatus.Endpoint e = cs.endpoint();
        return new StatusReport.CollectorHealth(name, source, statusSource, true, "", cs.bootId(), cs.uptimeMillis(),
                e.packetsReceived(), e.bytesReceived(), e.icrcFailures(), sum(e.drops()), 0, qps);
    }

    static StatusReport.StoreStatus store(StoreDefinition def, String collector, StoreFill.Fill fill, CollectorStatus.Store counters,
                                          long queries) {
        Double k = null;
        Double p = null;
        if (def.layout() instanceof KeyWriteLayout kw && fill.capacity() > 0) {
            StoreFill.KeyWriteOutlook o = StoreFill.KeyWriteOutlook.of(fill, kw.defaultRedundancy());
            k = o.estimatedKeyWrites();
            p = o.successProbability();
        }
        boolean known = counters != null;
        return new StatusReport.StoreStatus(def.name(), def.storeId(), def.kind().configName(), collector, fill.capacity(),
                fill.occupied(), fill.ratio(), fill.examined(), k, p, known, known ? counters.writes() : 0,
                known ? counters.writeBytes() : 0, known ? counters.atomics() : 0, known ? counters.reads() : 0,
                known ? counters.accessErrors() : 0, 0, 0, 0, queries);
    }

    private static long sum(java.util.Map<String, Long> m) {
        long n = 0;
        for (long v : m.values()) {
            n += v;
        }
        return n;
    }
}
