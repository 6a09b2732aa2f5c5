package net.dta.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The query service's one-pass reading of a 32-hex-digit key, against the JDK's HexFormat. */
class HexKeyTest {
    @Test
    void readsThirtyTwoHexDigitsInAnyCaseAsHexFormatDoes() {
        SplittableRandom random = new SplittableRandom(32);
        for (int i = 0; i < 1000; i++) {
            byte[] key = new byte[16];
            random.nextBytes(key);
            String lower = HexFormat.of().formatHex(key);
            assertArrayEquals(key, QueryService.hexKey(lower));
            assertArrayEquals(key, QueryService.hexKey(lower.toUpperCase(java.util.Locale.ROOT)));
        }
        assertArrayEquals(HexFormat.of().parseHex("0123456789abcdefABCDEF0000ffFF99"), QueryService.hexKey("0123456789abcdefABCDEF0000ffFF99"));
    }

    @Test
    void leavesEveryOtherTextToTheGeneralParser() {
        String good = "0a0000010a0000021f90005006000000";
        assertNull(QueryService.hexKey(good.substring(1)));
        assertNull(QueryService.hexKey(good + "0"));
        for (char bad : new char[] {'g', 'G', ' ', ':', '/', '@', '`', '\u0660', '\uff10', '\u0130', (char) ('0' + 128)}) {
            for (int at : new int[] {0, 1, 17, 31}) {
                String text = good.substring(0, at) + bad + good.substring(at + 1);
                assertNull(QueryService.hexKey(text), () -> "\"" + text + "\" is not 32 hex digits");
            }
        }
    }
}
