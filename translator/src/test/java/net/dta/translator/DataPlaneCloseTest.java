package net.dta.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import net.dta.translator.config.Mode;
import net.dta.translator.config.TranslatorConfig;
import net.dta.translator.dataplane.DataPlane;

/**
 * Issue 14 item 7: {@code DataPlane.close()} used to mark the loop stopped before its thread had
 * ended, so a command submitted meanwhile ran on the caller's thread while the loop still ran: two
 * writers of the engine. A command submitted while close() waits must run on the loop's thread
 * (or after it ended), never beside it; after the loop ended, commands still run, on their caller.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataPlaneCloseTest {
    @Test
    void aCommandSubmittedWhileClosingNeverRunsBesideTheLoop() throws Exception {
        try (Translator t = Translator.start(TranslatorConfig.forTest(net.dta.testkit.Loopback.uniqueSubnet() + "1", Mode.UDP))) {
            DataPlane d = t.dataPlane();
            CountDownLatch inFirst = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            AtomicReference<Thread> loop = new AtomicReference<>();
            // The loop is busy in a command while close() begins.
            d.submit(() -> {
                loop.set(Thread.currentThread());
                inFirst.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(inFirst.await(10, TimeUnit.SECONDS), "the loop ran the first command");
            Thread closer = new Thread(d::close, "closer");
            closer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (closer.getState() != Thread.State.TIMED_WAITING && closer.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "close() did not start waiting for the loop");
                Thread.sleep(1);
            }

            AtomicReference<Thread> ranOn = new AtomicReference<>();
            AtomicReference<String> beside = new AtomicReference<>();
            CompletableFuture<Void> second = d.submit(() -> {
                ranOn.set(Thread.currentThread());
                if (Thread.currentThread() != loop.get() && loop.get().isAlive()) {
                    beside.set("ran on " + Thread.currentThread().getName() + " while the loop thread " + loop.get().getName()
                            + " was still running");
                }
            });
            releaseFirst.countDown();
            second.get(10, TimeUnit.SECONDS);
            closer.join(10_000);
            assertFalse(closer.isAlive(), "close() returned");
            assertNull(beside.get(), beside.get());
            assertSame(loop.get(), ranOn.get(), "the command queued before the loop ended ran on the loop's thread");
            assertFalse(d.running());

            // After the loop ended, a command still runs (on its caller), and completes.
            AtomicReference<Thread> late = new AtomicReference<>();
            d.submit(() -> late.set(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            assertEquals(Thread.currentThread(), late.get());
        }
    }
}
