package net.dta.rdma.endpoint;

/** Access rights of a registered region, as in ibv_access_flags. */
public enum Access {
    LOCAL_WRITE,
    REMOTE_WRITE,
    REMOTE_READ,
    REMOTE_ATOMIC
}
