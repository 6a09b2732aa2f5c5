package net.dta.collector.rdma;

import java.util.EnumSet;
import java.util.Set;

import net.dta.protocol.layout.StoreKind;
import net.dta.rdma.endpoint.Access;

/**
 * The rights each store kind's region is registered with: only what its primitive needs, so a
 * request of the wrong kind (a FETCH_ADD into a Key-Write table, a WRITE into a sketch) is refused
 * with a remote access error instead of corrupting the store. Every store is remotely readable:
 * the controller reads Append rings to recover tails (protocol.md 6.4). LOCAL_WRITE accompanies
 * remote write and atomic rights, as verbs requires.
 */
public final class StoreAccessRights {
    private StoreAccessRights() {
    }

    public static Set<Access> of(StoreKind kind) {
        return switch (kind) {
            case KEY_WRITE, POSTCARD, APPEND -> EnumSet.of(Access.LOCAL_WRITE, Access.REMOTE_WRITE, Access.REMOTE_READ);
            case KEY_INCREMENT, SKETCH -> EnumSet.of(Access.LOCAL_WRITE, Access.REMOTE_ATOMIC, Access.REMOTE_READ);
        };
    }

    /** The catalog: remote read only. */
    public static Set<Access> catalog() {
        return EnumSet.of(Access.REMOTE_READ);
    }
}
