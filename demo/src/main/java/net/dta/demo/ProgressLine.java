package net.dta.demo;

import java.util.List;
import java.util.Locale;

import net.dta.collector.Collector;
import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.rdma.endpoint.QueuePairInfo;
import net.dta.reporter.DtaReporter;
import net.dta.reporter.Primitive;
import net.dta.reporter.load.LoadGenerator;
import net.dta.translator.Translator;

/**
 * The line printed every second while the demo runs: reports sent per primitive (the load and the
 * demo flows), what the collectors' RDMA responders executed (WRITEs, FETCH_ADDs), the queue pairs
 * the controller sees up, and what the translator lost (requests in PSN gaps, resynchronisations)
 * or dropped (reports it could not translate). Read from the components in this process.
 */
final class ProgressLine {
    private static final String FORMAT = "%7s  %8s %9s  %7s %7s %7s %7s %7s  %8s %8s  %5s %5s %6s %7s";

    private final List<Collector> collectors;
    private final Translator translator;
    private final Controller controller;
    private final LoadGenerator load;
    private final DtaReporter flows;
    private final long start = System.nanoTime();
    private long lastSent;
    private long lastNanos = start;

    /** @param load null when the demo runs without generated load */
    ProgressLine(List<Collector> collectors, Translator translator, Controller controller, LoadGenerator load, DtaReporter flows) {
        this.collectors = collectors;
        this.translator = translator;
        this.controller = controller;
        this.load = load;
        this.flows = flows;
    }

    static String header() {
        return String.format(Locale.ROOT, FORMAT, "TIME", "SENT", "RATE", "KW", "KI", "PC", "AP", "SK", "RDMA-WR", "ATOMICS",
                "QPS", "LOST", "RESYNC", "DROPPED");
    }

    /** Reports sent so far, generated and demo flows. */
    long sent() {
        return (load == null ? 0 : load.sent()) + flows.counters().sent();
    }

    String next() {
        long now = System.nanoTime();
        long sent = sent();
        double rate = now > lastNanos ? (sent - lastSent) * 1e9 / (now - lastNanos) : 0;
        lastSent = sent;
        lastNanos = now;
        String[] perPrimitive = new String[Primitive.values().length];
        for (Primitive p : Primitive.values()) {
            long n = flows.counters().reports(p) + (load == null ? 0 : load.reports(p));
            perPrimitive[p.ordinal()] = Text.compact(n);
        }
        long writes = 0;
        long atomics = 0;
        for (Collector c : collectors) {
            for (QueuePairInfo q : c.backend().queuePairs()) {
                writes += q.writes();
                atomics += q.atomics();
            }
        }
        long lost = 0;
        long resyncs = 0;
        net.dta.translator.status.TranslatorStatus t = translator.status();
        for (var q : t.queuePairs()) {
            lost += q.lostPackets();
            resyncs += q.resyncs();
        }
        long dropped = t.reports().dropped().values().stream().mapToLong(Long::longValue).sum();
        List<TranslatorStatus> ts = controller.status().translators();
        long up = ts.isEmpty() ? 0 : ts.get(0).queuePairs().stream().filter(q -> q.state().equals("up")).count();
        return String.format(Locale.ROOT, FORMAT, Text.elapsed(java.time.Duration.ofNanos(now - start)), Text.compact(sent),
                Text.compact(rate) + "/s", perPrimitive[0], perPrimitive[1], perPrimitive[2], perPrimitive[3], perPrimitive[4],
                Text.compact(writes), Text.compact(atomics), up + "/" + collectors.size(), Text.compact(lost), Text.compact(resyncs),
                Text.compact(dropped));
    }
}
