package net.dta.packetio;

import net.dta.packetio.status.CounterArray;

/** What a channel's socket calls did (one writer: the channel's thread). */
public final class ChannelCounters {
    public static final int RECEIVE_CALLS = 0;
    public static final int PACKETS_RECEIVED = 1;
    public static final int BYTES_RECEIVED = 2;
    public static final int OVERSIZED = 3;
    public static final int RECEIVE_ERRORS = 4;
    public static final int SEND_CALLS = 5;
    public static final int PACKETS_SENT = 6;
    public static final int BYTES_SENT = 7;
    public static final int SEND_ERRORS = 8;
    /** Frames sent through the kernel because the next hop's MAC was not (yet) known (xdp and ring paths; also in PACKETS_SENT). */
    public static final int NEIGHBOUR_UNRESOLVED = 9;
    static final int SIZE = 10;

    final CounterArray values = new CounterArray(SIZE);

    /** The counters of several channels added up (a new object, for status). */
    public static ChannelCounters sum(java.util.List<ChannelCounters> parts) {
        ChannelCounters total = new ChannelCounters();
        for (ChannelCounters c : parts) {
            for (int i = 0; i < SIZE; i++) {
                total.values.add(i, c.get(i));
            }
        }
        return total;
    }

    public long get(int counter) {
        return values.get(counter);
    }

    public long packetsReceived() {
        return get(PACKETS_RECEIVED);
    }

    public long packetsSent() {
        return get(PACKETS_SENT);
    }

    public long bytesReceived() {
        return get(BYTES_RECEIVED);
    }

    public long oversized() {
        return get(OVERSIZED);
    }

    public long sendErrors() {
        return get(SEND_ERRORS);
    }

    public long neighbourUnresolved() {
        return get(NEIGHBOUR_UNRESOLVED);
    }

    public long receiveErrors() {
        return get(RECEIVE_ERRORS);
    }
}
