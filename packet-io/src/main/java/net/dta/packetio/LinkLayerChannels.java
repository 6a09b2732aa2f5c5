package net.dta.packetio;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the channel of xdp mode: an {@link XdpPacketChannel} (AF_XDP) where the kernel, the
 * driver and the process's privileges allow it, else the {@link PacketRingChannel} (AF_PACKET,
 * TPACKET_V3), saying in the log and in {@link PacketChannel#describe()} which path runs and why
 * the other was not taken.
 *
 * <p>The system property {@value #PATH_PROPERTY} picks the path: {@code auto} (the default, as
 * above), {@code xdp} (AF_XDP or fail) or {@code ring} (the packet ring, AF_XDP not tried).
 */
public final class LinkLayerChannels {
    private static final Logger LOG = LoggerFactory.getLogger(LinkLayerChannels.class);
    public static final String PATH_PROPERTY = "dta.packet-path";
    /** Why xdp mode refuses loopback (the demo and the loopback benchmarks say it too). */
    public static final String NOT_ON_LOOPBACK = "xdp mode needs a link (a NIC, veth, ...), not loopback: Linux drops "
            + "frames put on lo below the IP layer into 127/8 as martian packets, so nothing it sent would arrive "
            + "(docs/translator.md); on loopback use raw mode";

    private LinkLayerChannels() {
    }

    public static PacketChannel open(int address, int port, ChannelOptions options) throws IOException {
        if (LinkInfo.of(address).loopback()) {
            // Receiving works on lo (generic XDP), sending does not: a frame put on lo below the IP layer
            // is routed as if it came from a wire, and Linux drops 127/8 from a wire (tried: also with route_localnet).
            throw new IOException(Ipv4.format(address) + " is on the loopback interface: " + NOT_ON_LOOPBACK);
        }
        String path = System.getProperty(PATH_PROPERTY, "auto");
        switch (path) {
            case "ring" -> {
                return ring(address, port, options, PATH_PROPERTY + "=ring");
            }
            case "xdp" -> {
                return xdp(address, port, options);
            }
            case "auto" -> {
                try {
                    return xdp(address, port, options);
                } catch (IOException | RuntimeException e) {
                    String why = "AF_XDP not available: " + e.getMessage();
                    LOG.warn("{}; falling back to the AF_PACKET ring", why);
                    return ring(address, port, options, why);
                }
            }
            default -> throw new IOException(PATH_PROPERTY + " must be auto, xdp or ring, got '" + path + "'");
        }
    }

    private static PacketChannel xdp(int address, int port, ChannelOptions options) throws IOException {
        XdpPacketChannel c = XdpPacketChannel.open(address, port, options);
        LOG.info("packet path: {}", c.describe());
        return c;
    }

    private static PacketChannel ring(int address, int port, ChannelOptions options, String why) throws IOException {
        PacketRingChannel c = PacketRingChannel.open(address, port, options, why);
        LOG.info("packet path: {}", c.describe());
        return c;
    }
}
