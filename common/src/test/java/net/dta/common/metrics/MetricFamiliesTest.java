package net.dta.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one mechanism of every component's status metrics (docs/operations.md "Metric names"). */
class MetricFamiliesTest {
    @Test
    void samplesOfOneFamilyAreWrittenTogetherWithOneHelpAndType() {
        MetricFamilies m = new MetricFamilies("dta_test_");
        m.counter("dta_test_drops_total", "Drops, by reason", 1, "reason", "a");
        m.gauge("dta_test_up", "1 when up", 1);
        m.counter("dta_test_drops_total", "(ignored: the first help wins)", 2, "reason", "b\"q");
        String text = m.text();
        assertEquals("""
                # HELP dta_test_drops_total Drops, by reason
                # TYPE dta_test_drops_total counter
                dta_test_drops_total{reason="a"} 1.0
                dta_test_drops_total{reason="b\\"q"} 2.0
                # HELP dta_test_up 1 when up
                # TYPE dta_test_up gauge
                dta_test_up 1.0
                """, text);
    }

    @Test
    void aNameOutsideTheComponentsPrefixOrACounterWithoutTotalIsRefused() {
        MetricFamilies m = new MetricFamilies("dta_collector_");
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class,
                () -> m.gauge("dta_translator_up", "", 1));
        assertTrue(prefix.getMessage().contains("dta_collector_"), prefix.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.counter("dta_collector_drops", "", 1));
        m.gauge("dta_collector_odd_total", "", 1);
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> m.counter("dta_collector_odd_total", "", 1));
        assertTrue(both.getMessage().contains("both"), both.getMessage());
    }
}
