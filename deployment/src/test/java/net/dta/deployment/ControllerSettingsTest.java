package net.dta.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ControllerSettingsTest {
    private static byte[] secret(int fill) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) fill);
        return s;
    }

    @Test
    void theSameSectionReadTwiceIsEqualSoAReloadDoesNotCallItChanged() {
        ControllerSettings a = ControllerSettings.defaults().withCmSecret(secret(0x5a));
        ControllerSettings b = ControllerSettings.defaults().withCmSecret(secret(0x5a));
        assertEquals(a, b, "the same secret read into two arrays");
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, ControllerSettings.defaults().withCmSecret(secret(0x5b)), "another secret");
        assertNotEquals(a, ControllerSettings.defaults(), "no secret");
        assertEquals(ControllerSettings.defaults(), ControllerSettings.defaults());
    }

    @Test
    void theSecretNeverAppearsInText() {
        String text = ControllerSettings.defaults().withCmSecret(secret(0x5a)).toString();
        assertFalse(text.contains("5a") || text.contains("5A") || text.contains("90"), text);
    }
}
