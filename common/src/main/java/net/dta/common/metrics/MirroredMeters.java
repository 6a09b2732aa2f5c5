package net.dta.common.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Prometheus meters that mirror numbers kept elsewhere (a status snapshot): each scrape sets every
 * meter's value between {@link #begin()} and {@link #scrape()}; meters not set during a scrape
 * (a queue pair that went away) are removed. Counters end in {@code _total} (Micrometer adds it).
 * Synchronise scrapes (one at a time).
 */
public final class MirroredMeters {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Meter.Id, double[]> values = new HashMap<>();
    private final Set<Meter.Id> touched = new HashSet<>();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void begin() {
        touched.clear();
    }

    /** Removes meters not set since {@link #begin()} and returns the Prometheus text exposition. */
    public String scrape() {
        for (Meter m : registry.getMeters()) {
            if (!touched.contains(m.getId())) {
                registry.remove(m);
                values.remove(m.getId());
            }
        }
        return registry.scrape();
    }

    public void counter(String name, String help, double value, String... tags) {
        mirror(Meter.Type.COUNTER, name, help, value, tags);
    }

    public void gauge(String name, String help, double value, String... tags) {
        mirror(Meter.Type.GAUGE, name, help, value, tags);
    }

    /** {@code tags} plus one more key and value. */
    public static String[] with(String[] tags, String key, String value) {
        String[] out = java.util.Arrays.copyOf(tags, tags.length + 2);
        out[tags.length] = key;
        out[tags.length + 1] = value;
        return out;
    }

    private void mirror(Meter.Type type, String name, String help, double value, String... tags) {
        Meter.Id id = new Meter.Id(name, Tags.of(tags), null, help, type);
        double[] holder = values.computeIfAbsent(id, k -> {
            double[] h = new double[1];
            if (type == Meter.Type.COUNTER) {
                FunctionCounter.builder(name, h, a -> a[0]).tags(tags).description(help).register(registry);
            } else {
                Gauge.builder(name, h, a -> a[0]).tags(tags).description(help).strongReference(true).register(registry);
            }
            return h;
        });
        holder[0] = value;
        touched.add(id);
    }
}
