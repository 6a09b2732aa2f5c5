package net.dta.rdma.cm;

/**
 * IP CM service ids (protocol.md 7.2): {@code 0x0000000001060000 | port} in the RDMA_PS_TCP port
 * space, which is what librdmacm listens on for {@code rdma_listen} on a TCP-port-space id.
 */
public final class ServiceId {
    public static final long RDMA_PS_TCP_PREFIX = 0x0000_0000_0106_0000L;
    private static final long PREFIX_MASK = 0xFFFF_FFFF_FFFF_0000L;
    /** Default CM port of a collector. */
    public static final int DEFAULT_CM_PORT = 40041;

    private ServiceId() {
    }

    public static long of(int port) {
        return RDMA_PS_TCP_PREFIX | (port & 0xFFFF);
    }

    /** Whether the id is an IP CM id in the TCP port space. */
    public static boolean isIpCm(long serviceId) {
        return (serviceId & PREFIX_MASK) == RDMA_PS_TCP_PREFIX;
    }

    public static int port(long serviceId) {
        return (int) (serviceId & 0xFFFF);
    }

    /**
     * The CA GUID protocol.md 7.2 derives from a MAC: EUI-64 {@code ab:cd:ef:ff:fe:gh:ij:kl} with
     * byte 0 as in the MAC (the U/L bit is not flipped, unlike a modified EUI-64).
     */
    public static long caGuidOfMac(long mac) {
        long first = (mac >>> 40) & 0xFF;
        return (first << 56) | (((mac >>> 32) & 0xFF) << 48) | (((mac >>> 24) & 0xFF) << 40)
                | (0xFFL << 32) | (0xFEL << 24) | (((mac >>> 16) & 0xFF) << 16) | (((mac >>> 8) & 0xFF) << 8)
                | (mac & 0xFF);
    }
}
