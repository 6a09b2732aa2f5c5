package net.dta.reporter.load;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import net.dta.common.cli.Table;
import net.dta.reporter.Primitive;

/** The end-of-run summary of a load: a table for terminals, JSON for scripts. */
public final class LoadSummary {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LoadSummary() {
    }

    /** The progress line printed while a load runs. */
    public static String progressLine(LoadProgress p, double targetRate) {
        return String.format(Locale.ROOT, "[%7.1fs] sent %,d  rate %,.0f/s%s  errors %,d", p.elapsedNanos() / 1e9, p.sent(),
                p.currentRate(), targetRate > 0 ? String.format(Locale.ROOT, " (target %,.0f/s)", targetRate) : "", p.sendErrors());
    }

    public static void printText(LoadResult r, PrintWriter out) {
        LoadSpec s = r.spec();
        out.printf(Locale.ROOT, "load to %s: %d thread(s), batch %d, %,d keys %s%s%n", s.target().target(), s.threads(),
                s.target().batchSize(), s.keys().size(), s.keys().describe(), r.interrupted() ? " (stopped early)" : "");
        Table t = new Table("PRIMITIVE", "STORE", "REPORTS", "SHARE", "MIX");
        long total = r.totalReports();
        for (Primitive p : Primitive.values()) {
            if (s.uses(p) || r.reports(p) > 0) {
                t.row(p.displayName(), s.store(p), String.format(Locale.ROOT, "%,d", r.reports(p)),
                        String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100.0 * r.reports(p) / total),
                        String.format(Locale.ROOT, "%.1f%%", 100 * s.share(p)));
            }
        }
        t.print(out, "  ");
        out.printf(Locale.ROOT, "sent %,d reports in %.2f s: %,.0f reports/s", r.sent(), r.seconds(), r.achievedRate());
        if (s.rate() > 0) {
            out.printf(Locale.ROOT, ", target %,.0f/s (%.1f%%)%n", s.rate(), 100 * r.rateRatio());
        } else {
            out.println(" (as fast as possible)");
        }
        out.printf(Locale.ROOT, "errors %,d; %,d batches (%.1f reports each)%n", r.sendErrors(), r.batches(), r.reportsPerBatch());
        if (r.flowsStarted() > 0) {
            out.printf(Locale.ROOT, "postcard flows: %,d started, %,d with every hop sent (%,d postcards sent after the limit to complete them)%n",
                    r.flowsStarted(), r.flowsCompleted(), r.drainPostcards());
        }
        out.flush();
    }

    /** The summary as one JSON object (field names in snake_case). */
    public static Map<String, Object> toMap(LoadResult r) {
        LoadSpec s = r.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", s.target().target());
        m.put("threads", s.threads());
        m.put("batch", s.target().batchSize());
        m.put("keys", s.keys().size());
        m.put("distribution", s.keys().describe());
        m.put("mix", s.mixText());
        m.put("seconds", r.seconds());
        m.put("sent", r.sent());
        m.put("send_errors", r.sendErrors());
        m.put("rate", r.achievedRate());
        m.put("target_rate", s.rate() > 0 ? s.rate() : null);
        m.put("rate_ratio", s.rate() > 0 ? r.rateRatio() : null);
        m.put("batches", r.batches());
        Map<String, Object> primitives = new LinkedHashMap<>();
        for (Primitive p : Primitive.values()) {
            if (s.uses(p) || r.reports(p) > 0) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("store", s.store(p));
                e.put("reports", r.reports(p));
                e.put("mix_share", s.share(p));
                primitives.put(p.shortName(), e);
            }
        }
        m.put("primitives", primitives);
        m.put("postcard_flows_started", r.flowsStarted());
        m.put("postcard_flows_completed", r.flowsCompleted());
        m.put("postcards_after_limit", r.drainPostcards());
        m.put("interrupted", r.interrupted());
        return m;
    }

    public static String json(LoadResult r) {
        try {
            return JSON.writeValueAsString(toMap(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the summary as JSON", e);
        }
    }
}
