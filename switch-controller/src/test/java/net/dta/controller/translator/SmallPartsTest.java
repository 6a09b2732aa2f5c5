package net.dta.controller.translator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;

import net.dta.controller.Backoff;
import org.junit.jupiter.api.Test;

class SmallPartsTest {
    @Test
    void shouldAllocateTheLowestFreeTailRangeAndRefuseOverlaps() {
        TailAllocator t = new TailAllocator();
        assertEquals(0, t.allocate(1, 4));
        assertEquals(4, t.allocate(2, 100));
        assertTrue(t.fix(3, 200, 10));
        assertFalse(t.fix(4, 205, 1), "overlaps store 3");
        assertEquals(104, t.allocate(5, 96));
        assertEquals(210, t.allocate(6, 5), "the gap 200..209 is taken");
        t.release(2);
        assertEquals(4, t.allocate(7, 50), "freed range reused");
        assertEquals(4, t.allocate(7, 50), "stable");
        assertEquals(-1, t.allocate(8, 65536));
        assertFalse(t.fix(9, 65530, 10));
    }

    @Test
    void shouldAnswerAnArpRequestForTheTranslatorsAddressOnly() {
        HexFormat h = HexFormat.of();
        byte[] request = h.parseHex("ffffffffffff" + "020000000002" + "0806" + "0001" + "0800" + "06" + "04" + "0001"
                + "020000000002" + "0a000002" + "000000000000" + "0a000001");
        byte[] reply = ArpResponder.reply(request, 0x0A000001, 0x020000000001L);
        assertArrayEquals(h.parseHex("020000000002" + "020000000001" + "0806" + "0001" + "0800" + "06" + "04" + "0002"
                + "020000000001" + "0a000001" + "020000000002" + "0a000002"), reply);
        assertNull(ArpResponder.reply(request, 0x0A000009, 0x020000000001L), "not for us");
        byte[] notArp = request.clone();
        notArp[13] = 0x00;
        assertNull(ArpResponder.reply(notArp, 0x0A000001, 0x020000000001L));
    }

    @Test
    void shouldDoubleTheBackOffUpToTheMaximumAndReset() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
        assertEquals(100, b.nextDelayMillis());
        assertEquals(200, b.nextDelayMillis());
        assertEquals(400, b.nextDelayMillis());
        assertEquals(500, b.nextDelayMillis());
        assertEquals(500, b.nextDelayMillis());
        assertEquals(5, b.failures());
        b.reset();
        assertEquals(100, b.nextDelayMillis());
    }
}
