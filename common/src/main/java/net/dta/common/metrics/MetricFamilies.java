package net.dta.common.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The one way a component exposes its status as Prometheus metrics: at each scrape it reads a fresh
 * status record and adds one sample per number here (a scrape-time collector over the status
 * object), so {@code /metrics} and {@code /status} never disagree and a queue pair that went away
 * simply has no sample. Prometheus' own model and text writer do the name checks and the escaping.
 *
 * <p>Every family name starts with the component's prefix ({@code dta_collector_}, ...): families of
 * different components never share a name, so a sum across jobs cannot mix two meanings
 * (docs/operations.md "Metrics"). Names are written as exposed: counters end in {@code _total}.
 * One instance per scrape (not thread-safe).
 */
public final class MetricFamilies {
    private final String prefix;
    /** Each family's builder (a counter's or a gauge's), in the order first added; the first help given wins. */
    private final Map<String, MetricSnapshot.Builder<?>> families = new LinkedHashMap<>();

    /** @param prefix what every family name of this component starts with, e.g. {@code dta_collector_} */
    public MetricFamilies(String prefix) {
        this.prefix = prefix;
    }

    /** A sample of a counter family ({@code name} ends in {@code _total}); {@code labels}: name, value, name, value... */
    public void counter(String name, String help, double value, String... labels) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        if (!(family(name, help, CounterSnapshot::builder) instanceof CounterSnapshot.Builder b)) {
            throw new IllegalArgumentException("metric " + name + " is used both as a gauge and as a counter");
        }
        b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    /** A sample of a gauge family; {@code labels}: name, value, name, value... */
    public void gauge(String name, String help, double value, String... labels) {
        if (!(family(name, help, GaugeSnapshot::builder) instanceof GaugeSnapshot.Builder b)) {
            throw new IllegalArgumentException("metric " + name + " is used both as a counter and as a gauge");
        }
        b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    /** {@code labels} plus one more name and value. */
    public static String[] with(String[] labels, String name, String value) {
        String[] out = Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = name;
        out[labels.length + 1] = value;
        return out;
    }

    private MetricSnapshot.Builder<?> family(String name, String help, Supplier<MetricSnapshot.Builder<?>> type) {
        if (!name.startsWith(prefix)) {
            throw new IllegalArgumentException("metric " + name + " does not start with this component's prefix " + prefix);
        }
        return families.computeIfAbsent(name, n -> type.get().name(n).help(help));
    }

    /** The families in the order first added (Prometheus' model: for a registry or a writer). */
    public MetricSnapshots snapshots() {
        List<MetricSnapshot> out = new ArrayList<>(families.size());
        families.values().forEach(b -> out.add(b.build()));
        return new MetricSnapshots(out);
    }

    /** The Prometheus text exposition (format 0.0.4) of these families. */
    public String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, snapshots());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
