package net.dta.controller.translator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of RDMA CM events by name, for status and /metrics (thread-safe; control path). */
final class CmEvents {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String event) {
        counts.computeIfAbsent(event, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
