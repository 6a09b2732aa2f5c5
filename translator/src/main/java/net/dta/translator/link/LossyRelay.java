package net.dta.translator.link;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lossy link between the translator and one collector on loopback (UDP mode): the translator's
 * queue pair addresses the relay, which forwards both ways on port 4791 and drops the data
 * requests (WRITEs with a payload, FETCH_ADDs) it is told to, or any packet with a probability
 * (seeded: the same drops for the same packet order), as a lossy network would. For the loss tests
 * and {@code ./dta bench loss}; one forwarding thread, so it carries some tens of thousands of
 * packets per second, not line rate.
 */
public final class LossyRelay implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress translator;
    private final InetSocketAddress collector;
    private final AtomicInteger toDrop = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    public LossyRelay(String relayIp, String translatorIp, String collectorIp) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(relayIp, 4791));
        socket.setSoTimeout(100);
        // Room for bursts (go-back-N, ACK trains): the relay's own overflow would be loss nobody chose.
        socket.setReceiveBufferSize(1 << 20);
        socket.setSendBufferSize(1 << 20);
        translator = new InetSocketAddress(InetAddress.getByName(translatorIp), 4791);
        collector = new InetSocketAddress(InetAddress.getByName(collectorIp), 4791);
        thread = new Thread(this::run, "lossy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    private volatile double lossRate;
    private volatile boolean bothDirections;
    private final AtomicInteger randomDrops = new AtomicInteger();

    /**
     * Drops every packet from the translator (requests and probes), and with {@code bothDirections}
     * also every reply (ACKs, NAKs, READ responses), with probability {@code rate}.
     */
    public void randomLoss(double rate, boolean bothDirections) {
        this.bothDirections = bothDirections;
        lossRate = rate;
    }

    /** Packets dropped by {@link #randomLoss}. */
    public int randomDrops() {
        return randomDrops.get();
    }

    /** Drops the next n data requests from the translator. */
    public void dropNext(int n) {
        toDrop.set(n);
    }

    public int dropped() {
        return dropped.get();
    }

    private static boolean dataRequest(byte[] b, int length) {
        int opcode = b[0] & 0xFF;
        return opcode == 0x14 || (opcode == 0x0A && length >= 28 && (b[24] | b[25] | b[26] | b[27]) != 0);
    }

    private void run() {
        byte[] buf = new byte[4096];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                boolean fromTranslator = p.getAddress().equals(translator.getAddress());
                if (fromTranslator && dataRequest(buf, p.getLength()) && toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    dropped.incrementAndGet();
                    continue;
                }
                if (lossRate > 0 && (fromTranslator || bothDirections) && random.nextDouble() < lossRate) {
                    randomDrops.incrementAndGet();
                    continue;
                }
                socket.send(new DatagramPacket(buf, p.getLength(), fromTranslator ? collector : translator));
            } catch (java.net.SocketTimeoutException e) {
                // look at running again
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
