package net.dta.packetio;

/**
 * Socket settings of a channel.
 *
 * @param receiveBufferBytes SO_RCVBUF(FORCE) of the receiving socket: deep enough to absorb bursts
 * @param sendBufferBytes    SO_SNDBUF(FORCE) of the sending socket
 * @param pollTimeoutMillis  how long {@link PacketChannel#receive} waits for a first packet, so
 *                           that a loop can notice it should stop
 */
public record ChannelOptions(int receiveBufferBytes, int sendBufferBytes, int pollTimeoutMillis) {
    public static final ChannelOptions DEFAULT = new ChannelOptions(16 << 20, 4 << 20, 100);

    public ChannelOptions {
        if (receiveBufferBytes < 4096 || sendBufferBytes < 4096 || pollTimeoutMillis < 1) {
            throw new IllegalArgumentException("buffers >= 4096 bytes and poll timeout >= 1 ms, got " + receiveBufferBytes + "/"
                    + sendBufferBytes + "/" + pollTimeoutMillis);
        }
    }
}
