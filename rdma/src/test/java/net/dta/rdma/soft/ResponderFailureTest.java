package net.dta.rdma.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 7: an Error on the responder's thread (an OutOfMemoryError) used to be logged and
 * the loop went on, at line rate, in an unknown state. Now the loop stops, and the backend shows
 * why ({@code failure()}, which the collector's status, metrics and health show).
 */
class ResponderFailureTest extends LoopbackFixture {
    private final String address = net.dta.testkit.Loopback.uniqueSubnet() + "1";

    @Override
    boolean raw() {
        return false;
    }

    @Override
    String collectorAddress() {
        return address;
    }

    @Test
    void anErrorOnTheResponderThreadStopsItAndIsShown() throws Exception {
        start(false);
        connect(0x101, 100, 1024); // the responder answers
        assertNull(backend.failure());

        OutOfMemoryError oom = new OutOfMemoryError("Java heap space (reproduced)");
        handler.throwOnRequest = oom;
        requester.connect(0x102, 200, 1024, CM_PORT, 0x1020);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (backend.failure() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertSame(oom, backend.failure());

        // Stopped: a REQ that would be accepted now gets no answer.
        handler.throwOnRequest = null;
        int before = handler.requests.size();
        List<byte[]> replies = requester.connect(0x103, 300, 1024, CM_PORT, 0x1030);
        assertTrue(replies.isEmpty(), "a stopped responder answered " + replies.size() + " frames");
        assertEquals(before, handler.requests.size(), "a stopped responder still handled a REQ");
    }
}
