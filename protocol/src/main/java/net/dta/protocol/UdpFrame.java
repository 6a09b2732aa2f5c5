package net.dta.protocol;

/**
 * The frame every DTA datagram travels in (reports, protocol.md 2.1; RoCEv2, 5.1): Ethernet II
 * (14 bytes), IPv4 without options (20), UDP (8). The packet channels hand whole frames to their
 * consumers, so a report or a BTH starts this many bytes into a frame.
 */
public final class UdpFrame {
    /** Ethernet 14 + IPv4 20 + UDP 8. */
    public static final int PAYLOAD_OFFSET = 14 + 20 + 8;

    private UdpFrame() {
    }
}
