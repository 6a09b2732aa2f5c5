package net.dta.common.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Components are pushed as they start and closed in reverse order, so that nothing is closed
 * while something started after it still uses it (the RDMA backend stops before the store
 * mappings it writes into go away). A failing close is logged and the others still close.
 */
public final class LifecycleStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleStack.class);

    private final Deque<Named> started = new ArrayDeque<>();
    private boolean closed;

    private record Named(String name, AutoCloseable component) {
    }

    /** Takes ownership of a started component; returns it for chaining. */
    public synchronized <T extends AutoCloseable> T push(String name, T component) {
        if (closed) {
            throw new IllegalStateException("the lifecycle stack is closed");
        }
        started.push(new Named(name, component));
        return component;
    }

    /** Names of the components, first started first. */
    public synchronized java.util.List<String> names() {
        java.util.List<String> out = new java.util.ArrayList<>();
        started.descendingIterator().forEachRemaining(n -> out.add(n.name()));
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        while (!started.isEmpty()) {
            Named n = started.pop();
            try {
                n.component().close();
                LOG.debug("closed {}", n.name());
            } catch (Exception e) {
                LOG.error("closing {} failed: {}", n.name(), e.toString());
            }
        }
    }
}
