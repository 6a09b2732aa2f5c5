package net.dta.rdma.soft;

import java.time.InstantSource;

import net.dta.rdma.cm.CmPolicy;
import net.dta.rdma.cm.ServiceId;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.Ipv4;

/**
 * Settings of the software RoCEv2 responder.
 *
 * @param mode         UDP (portable, no ICRC check), RAW (CAP_NET_RAW, ICRC verified) or XDP (kernel bypass, ICRC verified)
 * @param localAddress the collector's IPv4 address (network-order int); it binds address:4791
 * @param cmPort       the IP CM service port it accepts REQs for (protocol.md 7.2, default 40041)
 * @param firstQpn     the first QPN handed out (24-bit, not 0 or 1)
 * @param errorOnNak   put a queue pair in ERROR after a NAK other than a sequence error (as NICs do);
 *                     false keeps it up for experiments (collector config {@code queue-pairs.error-on-nak})
 * @param maxReadBytes the largest RDMA READ served (a larger one is NAKed invalid request): a READ
 *                     runs on the endpoint thread, so this bounds how long one READ holds it
 * @param batchSize    frames per recvmmsg/sendmmsg
 * @param caGuid       the local CA GUID announced in REPs
 * @param ids          source of communication ids, REP starting PSNs and QPNs
 * @param atomicsLittleEndian the byte order FETCH_ADD uses on memory (protocol.md 4.4): this
 *                     responder can do either; the collector declares it in store headers and the
 *                     catalog. Default big-endian.
 * @param cmPolicy     the deployment's CM secret and the connection limits (protocol.md 7.3)
 * @param clock        the time REQ timestamps are checked against (tests reproduce protocol.md's vectors with it)
 * @param threads      data-plane threads (1..64): each owns the queue pairs whose QPN mod threads is its
 *                     index, and its own socket the kernel steers those packets to (docs/rdma.md)
 */
public record SoftRoceConfig(Mode mode, int localAddress, int cmPort, int firstQpn, boolean errorOnNak,
                             long maxReadBytes, int batchSize, ChannelOptions channel, long caGuid, IdSource ids,
                             boolean atomicsLittleEndian, CmPolicy cmPolicy, InstantSource clock, int threads) {
    public enum Mode {
        /** Portable: a UDP socket; cannot see IPv4 headers, so ICRCs are not verified. */
        UDP,
        /** Raw IPv4 sockets (root / CAP_NET_RAW): every ICRC verified. */
        RAW,
        /**
         * Kernel bypass (root: CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF): an AF_XDP socket fed by an XDP
         * program on the address's interface, falling back to an AF_PACKET TPACKET_V3 ring where
         * AF_XDP cannot be opened; every ICRC verified.
         */
        XDP
    }

    public static final int DEFAULT_FIRST_QPN = 0x000011;
    public static final long DEFAULT_MAX_READ_BYTES = 64L << 20;
    public static final int DEFAULT_BATCH = 64;
    public static final int MAX_THREADS = net.dta.packetio.ShardSteering.MAX_SHARDS;

    public SoftRoceConfig {
        if (firstQpn < 2 || firstQpn > 0xFF_FFFF) {
            throw new IllegalArgumentException("firstQpn must be 2..0xFFFFFF, got " + firstQpn);
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize must be 1..1024, got " + batchSize);
        }
        if (cmPort < 1 || cmPort > 0xFFFF) {
            throw new IllegalArgumentException("cmPort must be 1..65535, got " + cmPort);
        }
        if (cmPolicy == null || clock == null) {
            throw new IllegalArgumentException("a CM policy (the deployment's secret) and a clock are required");
        }
        if (maxReadBytes < 0) {
            throw new IllegalArgumentException("maxReadBytes must be >= 0");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + ", got " + threads);
        }
    }

    /**
     * Defaults: CM port 40041, QPNs from 0x11, error on NAK, 64 MiB READs, batches of 64, random ids,
     * the system clock, one data-plane thread; REQs must carry a MAC made with the policy's secret.
     */
    public static SoftRoceConfig of(Mode mode, String localAddress, CmPolicy cmPolicy) {
        int address = Ipv4.parse(localAddress);
        return new SoftRoceConfig(mode, address, ServiceId.DEFAULT_CM_PORT, DEFAULT_FIRST_QPN, true,
                DEFAULT_MAX_READ_BYTES, DEFAULT_BATCH, ChannelOptions.DEFAULT, caGuidOf(address), IdSource.random(), false,
                cmPolicy, InstantSource.system(), 1);
    }

    public SoftRoceConfig withCmPolicy(CmPolicy policy) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, ids, atomicsLittleEndian, policy, clock, threads);
    }

    public SoftRoceConfig withClock(InstantSource source) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, ids, atomicsLittleEndian, cmPolicy, source, threads);
    }

    public SoftRoceConfig withAtomicsLittleEndian(boolean value) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, ids, value, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withCmPort(int port) {
        return new SoftRoceConfig(mode, localAddress, port, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withErrorOnNak(boolean value) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, value, maxReadBytes, batchSize, channel,
                caGuid, ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withFirstQpn(int qpn) {
        return new SoftRoceConfig(mode, localAddress, cmPort, qpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withIds(IdSource source) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, source, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withCaGuid(long guid) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                guid, ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withBatchSize(int size) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, size, channel,
                caGuid, ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    public SoftRoceConfig withChannel(ChannelOptions options) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, options,
                caGuid, ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    /** Data-plane threads (default 1; the collector's {@code network.threads} defaults to the processors). */
    public SoftRoceConfig withThreads(int count) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, maxReadBytes, batchSize, channel,
                caGuid, ids, atomicsLittleEndian, cmPolicy, clock, count);
    }

    /** The thread that owns queue pair {@code qpn} (the kernel steers its packets to that thread's socket). */
    public int ownerOf(int qpn) {
        return Integer.remainderUnsigned(qpn & 0xFF_FFFF, threads);
    }

    public SoftRoceConfig withMaxReadBytes(long bytes) {
        return new SoftRoceConfig(mode, localAddress, cmPort, firstQpn, errorOnNak, bytes, batchSize, channel, caGuid,
                ids, atomicsLittleEndian, cmPolicy, clock, threads);
    }

    /** A software endpoint has no NIC GUID: derive a stable one from the IPv4 address (02:00:a.b.c.d as a MAC). */
    static long caGuidOf(int address) {
        return ServiceId.caGuidOfMac(0x0200_0000_0000L | (address & 0xFFFF_FFFFL));
    }
}
