package net.dta.packetio;

/**
 * A socket-level path for RoCEv2 (or any UDP) frames, shared by the software responder and the
 * software translator. Frames are always complete Ethernet / IPv4 / UDP frames in a
 * {@link PacketBatch}:
 * <ul>
 *   <li>{@link #receive} fills a batch; a channel that does not see some headers writes them: the
 *       Ethernet header is all-zero MACs with type IPv4 in both modes; a UDP-mode channel also
 *       writes the IPv4 and UDP headers from the datagram's source and its own address
 *       (identification 0, DF, TTL 64), which is why it cannot verify ICRCs
 *       ({@link #seesIpHeader()} false).</li>
 *   <li>{@link #send} transmits the first {@code count} frames of a batch to the IPv4 destination
 *       (and, in UDP mode, the UDP destination port) written in each frame. A raw channel sends
 *       the IPv4 header as written; a UDP channel sends only the UDP payload, from its bound port
 *       ({@link #sourcePort()}).</li>
 * </ul>
 * A channel is used by one thread at a time. Transient errors are counted in {@link #counters()}
 * and logged once; they never throw.
 */
public interface PacketChannel extends AutoCloseable {
    /**
     * Receives up to {@code batch.capacity()} frames, waiting up to the channel's poll timeout for
     * the first. Returns the number received (also in {@code batch.count()}), 0 on timeout.
     */
    int receive(PacketBatch batch);

    /** Like {@link #receive} but never waits: returns 0 at once when nothing is queued. */
    int receiveNow(PacketBatch batch);

    /** Sends frames 0..count-1 of the batch; returns how many the kernel accepted. */
    int send(PacketBatch batch, int count);

    /** Whether received frames carry the IPv4 header as transmitted (raw mode: ICRC verifiable). */
    boolean seesIpHeader();

    /** The local IPv4 address (network order int). */
    int localAddress();

    /** The UDP source port sent frames will carry, or -1 if the frame's own port is sent (raw). */
    int sourcePort();

    /** One line for logs and status. */
    String describe();

    ChannelCounters counters();

    /**
     * Packets the kernel dropped at the receiving socket before this channel read them (its
     * receive buffer was full), as the kernel counts them ({@link KernelDrops}); -1 when unknown.
     * Reads a /proc file: for status, not for the data path.
     */
    long kernelDrops();

    @Override
    void close();
}
