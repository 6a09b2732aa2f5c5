package net.dta.rdma.soft;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import net.dta.protocol.catalog.ConnectReplyData;
import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;
import net.dta.rdma.endpoint.QueuePairInfo;

/** A collector stand-in: accepts with DTA REP data (or rejects), and records what it heard. */
final class RecordingHandler implements ConnectionHandler {
    final List<ConnectRequest> requests = new CopyOnWriteArrayList<>();
    final List<QueuePairInfo> established = new CopyOnWriteArrayList<>();
    final List<String> closed = new CopyOnWriteArrayList<>();
    volatile String rejectWith;
    /** Thrown from the next REQs (on the responder's thread), to reproduce an Error in its loop. */
    volatile Error throwOnRequest;

    @Override
    public byte[] onConnectRequest(ConnectRequest request) throws ConnectionRejected {
        requests.add(request);
        if (throwOnRequest != null) {
            throw throwOnRequest;
        }
        if (rejectWith != null) {
            throw new ConnectionRejected(rejectWith);
        }
        byte[] data = new byte[ConnectReplyData.USED_BYTES];
        MemorySegment full = MemorySegment.ofArray(new byte[ConnectReplyData.BYTES]);
        new ConnectReplyData(1, 42, 1, 0x7EFF00000000L, 0x42, 160).encode(full, 0);
        MemorySegment.copy(full, 0, MemorySegment.ofArray(data), 0, data.length);
        return data;
    }

    @Override
    public void onEstablished(QueuePairInfo queuePair) {
        established.add(queuePair);
    }

    @Override
    public void onClosed(QueuePairInfo queuePair, String reason) {
        closed.add(reason);
    }
}
