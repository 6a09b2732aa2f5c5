package net.dta.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The one text grammar of IPv4 and MAC addresses (docs/configuration.md). */
class AddressesTest {
    @Test
    void ipv4IsExactlyFourDecimalOctets() {
        assertEquals(0x0A000001, Addresses.parseIpv4("10.0.0.1"));
        assertEquals(0xFFFFFFFF, Addresses.parseIpv4("255.255.255.255"));
        assertEquals("10.0.0.1", Addresses.formatIpv4(0x0A000001));
        assertEquals("255.255.255.255", Addresses.formatIpv4(-1));
        assertEquals("10.0.0.1", Addresses.inet4(0x0A000001).getHostAddress());
        // inet_aton's shortened, signed, hex and spaced forms are not addresses here.
        for (String bad : new String[] {"10.0.1", "10.0.0.256", "10.0.0.-1", "10.0.0.+1", "0x0a.0.0.1", " 10.0.0.1", "10..0.1",
                                        "10.0.0.1.", "localhost", "", "1000.0.0.1"}) {
            assertNull(Addresses.parseIpv4(bad), bad);
        }
    }

    @Test
    void macIsSixHexPairsWithColonsOrDashes() {
        assertEquals(0x02000A000001L, Addresses.parseMac("02:00:0a:00:00:01"));
        assertEquals(0x02000A000001L, Addresses.parseMac("02-00-0A-00-00-01"));
        assertEquals("02:00:0a:00:00:01", Addresses.formatMac(0x02000A000001L));
        for (String bad : new String[] {"02:00:0a:00:01", "02:00:0a:00:00:01:02", "0200.0a00.0001", "02:00:0g:00:00:01", ""}) {
            assertEquals(-1, Addresses.parseMac(bad), bad);
        }
    }
}
