package net.dta.packetio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * A UDP channel that is not read while datagrams arrive: its small receive buffer fills and the
 * kernel drops the rest. {@link PacketChannel#kernelDrops} counts exactly those: what was sent
 * less what the channel then received, and what {@code ss} (iproute2, reading the socket through
 * netlink sock_diag rather than /proc) shows as the socket's drops.
 */
class KernelDropsTest {
    private static final int SENT = 400;

    @Test
    void theDropsOfAFullReceiveBufferAreCountedAsTheKernelCountsThem() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String ip = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + "." + r.nextInt(2, 250);
        try (UdpPacketChannel channel = UdpPacketChannel.open(Ipv4.parse(ip), 0, new ChannelOptions(4096, 4096, 20));
             DatagramChannel sender = DatagramChannel.open();
             PacketBatch batch = new PacketBatch(32)) {
            assertEquals(0, channel.kernelDrops(), "nothing dropped yet");
            InetSocketAddress to = new InetSocketAddress(ip, channel.port());
            for (int i = 0; i < SENT; i++) {
                sender.send(ByteBuffer.wrap(("datagram " + i).getBytes(StandardCharsets.US_ASCII)), to);
            }
            long received = 0;
            for (int n = channel.receiveNow(batch); n > 0; n = channel.receiveNow(batch)) {
                received += n;
            }
            long drops = channel.kernelDrops();
            assertTrue(received > 0 && received < SENT, "the buffer held some and overflowed: received " + received);
            assertEquals(SENT - received, drops, "every datagram sent was received or dropped by the kernel");
            assertEquals(drops, ssDrops(ip, channel.port()), "ss shows the same count");
        }
    }

    /** The {@code d} field of the socket's {@code skmem} in {@code ss -u -a -m -n}. */
    private static long ssDrops(String ip, int port) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("ss", "-u", "-a", "-m", "-n", "src", ip + ":" + port).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("ss is missing: apt-get install -y iproute2", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("skmem:\\([^)]*,d(\\d+)\\)").matcher(out);
        assertTrue(m.find(), "ss shows the socket's memory and drops:\n" + out);
        return Long.parseLong(m.group(1));
    }
}
