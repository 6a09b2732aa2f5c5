package net.dta.translator.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import org.junit.jupiter.api.Test;

import net.dta.common.config.ConfigException;
import net.dta.translator.config.ConfigLoader;
import net.dta.translator.config.IntIngestConfig;
import net.dta.translator.config.TranslatorConfig;

/** The {@code int:} section of the translator's configuration (docs/int.md, "Configuration"). */
class IntConfigTest {
    static TranslatorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse("t.yaml", new StringReader(yaml), null);
    }

    @Test
    void intIngestIsOffByDefault() throws Exception {
        assertFalse(parse("translator: {name: t}\n").intIngest().enabled());
    }

    @Test
    void theDocumentedExampleParses() throws Exception {
        IntIngestConfig i = parse("""
                int:
                  enabled: true
                  port: 40050
                  int-udp-port: 5000
                  postcards: {store: 3, value: hop-latency, initial-ttl: 63, per-hop-path-length: 4}
                  flows: {store: 2, count: bytes}
                  drops: {store: 4, list: 1}
                  queues: {store: 1}
                """).intIngest();
        assertTrue(i.enabled());
        assertEquals(40050, i.port());
        assertEquals(IntIngestConfig.HopValue.HOP_LATENCY, i.postcards().value());
        assertEquals(63, i.postcards().initialTtl());
        assertEquals(4, i.postcards().perHopPathLength());
        assertTrue(i.flows().bytes());
        assertEquals(1, i.drops().list());
        assertEquals(1, i.queues().store());
    }

    @Test
    void badFieldsAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                network: {report-port: 40050}
                int: {enabled: true, port: 40050, postcards: {value: colour, per-hop-path-length: 9}, queues: {shelf: 1}}
                """));
        String m = e.getMessage();
        assertTrue(m.contains("int.postcards.value"), m);
        assertTrue(m.contains("per-hop-path-length"), m);
        assertTrue(m.contains("shelf"), m);
        assertTrue(m.contains("must differ from network.report-port"), m);
    }
}
