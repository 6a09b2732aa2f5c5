package net.dta.rdma.endpoint;

/** The collector's side of connection management: decides on REQs and hears about queue pairs. */
public interface ConnectionHandler {
    /**
     * A CM REQ for our service arrived. Return the REP private data (up to 196 bytes) to accept,
     * or throw {@link ConnectionRejected} to answer REJ with its reason.
     */
    byte[] onConnectRequest(ConnectRequest request) throws ConnectionRejected;

    /** A queue pair was created and can carry requests. */
    void onEstablished(QueuePairInfo queuePair);

    /** A queue pair ended: DREQ, replaced by a new connection from the same requester, or an error. */
    void onClosed(QueuePairInfo queuePair, String reason);

    /** Thrown by {@link #onConnectRequest} to refuse a connection. */
    final class ConnectionRejected extends Exception {
        public ConnectionRejected(String message) {
            super(message);
        }
    }
}
