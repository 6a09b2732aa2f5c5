package net.dta.controller.cm;

import java.io.IOException;

/**
 * The translator's data plane as the controller uses it: frames sent out (a PacketOut with egress
 * port 0, routed by the translator) and frames coming back (PacketIns, delivered to a
 * {@link FrameRouter}). The same connection code runs over P4Runtime and, in tests, over a socket.
 */
public interface FramePort {
    /** Sends one whole Ethernet frame (IPv4, routed by its destination address). */
    void send(byte[] frame) throws IOException;
}
