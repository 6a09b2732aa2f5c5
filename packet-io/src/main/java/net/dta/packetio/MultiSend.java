package net.dta.packetio;

import net.dta.packetio.status.LogOnce;

/** sendmmsg until every prepared message went out or failed (a failed one is counted and skipped). */
final class MultiSend {
    private MultiSend() {
    }

    static int sendAll(NativeSocket socket, PacketBatch batch, int count, ChannelCounters counters, LogOnce logOnce,
                       int logReason, int skippedHeaderBytes) {
        return sendAll(socket, batch, count, counters, logOnce, logReason, skippedHeaderBytes, null);
    }

    /** As above, message {@code i} carrying slot {@code slotOfMessage[i]} (null: slot i). */
    static int sendAll(NativeSocket socket, PacketBatch batch, int count, ChannelCounters counters, LogOnce logOnce,
                       int logReason, int skippedHeaderBytes, int[] slotOfMessage) {
        int sent = 0;
        int next = 0;
        while (next < count) {
            counters.values.increment(ChannelCounters.SEND_CALLS);
            int n = Libc.sendmmsg(socket.errno, socket.fd,
                    next == 0 ? batch.messages : batch.messagesFrom(next), count - next, 0);
            if (n > 0) {
                for (int i = next; i < next + n; i++) {
                    counters.values.add(ChannelCounters.BYTES_SENT,
                            batch.length(slotOfMessage == null ? i : slotOfMessage[i]) - skippedHeaderBytes);
                }
                next += n;
                sent += n;
                continue;
            }
            int e = socket.lastErrno();
            if (n < 0 && e == Libc.EINTR) {
                continue;
            }
            // The message at `next` failed (unreachable, no buffer, ...): count it and go on with the rest.
            counters.values.increment(ChannelCounters.SEND_ERRORS);
            logOnce.warn(logReason, "sendmmsg failed: {}", Libc.strerror(e));
            next++;
        }
        counters.values.add(ChannelCounters.PACKETS_SENT, sent);
        return sent;
    }
}
