package net.dta.translator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import org.junit.jupiter.api.Test;

import net.dta.common.config.ConfigException;

/** The {@code network:} section's report address (docs/translator.md, "Configuration"). */
class NetworkConfigTest {
    private static TranslatorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse("t.yaml", new StringReader(yaml), null);
    }

    @Test
    void reportsArriveOnTheTranslatorsAddressUnlessAReportAddressIsSet() throws Exception {
        TranslatorConfig.Network same = parse("network: {address: 10.0.2.1}\n").network();
        assertEquals("10.0.2.1", same.reportAddress().getHostAddress());
        TranslatorConfig.Network apart = parse("network: {address: 10.0.2.1, report-address: 10.0.1.2, mode: xdp}\n").network();
        assertEquals("10.0.2.1", apart.address().getHostAddress());
        assertEquals("10.0.1.2", apart.reportAddress().getHostAddress());
    }

    @Test
    void aBadReportAddressIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("network: {report-address: 10.0.1}\n"));
        assertTrue(e.getMessage().contains("network.report-address") && e.getMessage().contains("IPv4 address"), e.getMessage());
    }
}
