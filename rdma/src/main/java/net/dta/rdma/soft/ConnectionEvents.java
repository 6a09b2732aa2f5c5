package net.dta.rdma.soft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dta.rdma.endpoint.ConnectRequest;
import net.dta.rdma.endpoint.ConnectionHandler;

/**
 * Calls the collector's {@link ConnectionHandler} from the endpoint thread and keeps its
 * failures out of the loop: an exception from the handler is logged and, for a REQ, turned into
 * a REJ; it never stops request processing.
 */
final class ConnectionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionEvents.class);

    private volatile ConnectionHandler handler;

    void handler(ConnectionHandler h) {
        this.handler = h;
    }

    /** REP private data, or throws {@link ConnectionHandler.ConnectionRejected} (also for handler failures). */
    byte[] connectRequest(ConnectRequest request) throws ConnectionHandler.ConnectionRejected {
        ConnectionHandler h = handler;
        if (h == null) {
            throw new ConnectionHandler.ConnectionRejected("the collector is not accepting connections yet");
        }
        try {
            byte[] data = h.onConnectRequest(request);
            if (data == null) {
                throw new ConnectionHandler.ConnectionRejected("the collector returned no REP private data");
            }
            return data;
        } catch (ConnectionHandler.ConnectionRejected e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("connection handler failed on a REQ from {}", request.remoteAddress(), e);
            throw new ConnectionHandler.ConnectionRejected("collector error: " + e);
        }
    }

    void established(QueuePair qp) {
        ConnectionHandler h = handler;
        if (h != null) {
            try {
                h.onEstablished(qp.info());
            } catch (RuntimeException e) {
                LOG.error("connection handler failed on queue pair 0x{} established", Integer.toHexString(qp.qpn), e);
            }
        }
    }

    void closed(QueuePair qp, String reason) {
        ConnectionHandler h = handler;
        if (h != null) {
            try {
                h.onClosed(qp.info(), reason);
            } catch (RuntimeException e) {
                LOG.error("connection handler failed on queue pair 0x{} closed", Integer.toHexString(qp.qpn), e);
            }
        }
    }
}
