package net.dta.packetio;

/**
 * Spreads the datagrams of one address and port over {@code shards} sockets, each read by its own
 * thread, in the kernel: shard = (the big-endian 32-bit word at {@code payloadOffset} of the UDP
 * payload AND {@code mask}) mod {@code shards}. For RoCEv2 that word is BTH bytes 4..7 and the
 * mask keeps the destination QP, so that every packet of a queue pair reaches the one thread that
 * owns it.
 *
 * <p>Two classic BPF programs do it: in UDP mode the sockets form a SO_REUSEPORT group and
 * {@link #reuseportProgram()} (SO_ATTACH_REUSEPORT_CBPF) returns the index of the socket in the
 * group; the kernel runs it with the UDP header already pulled (net/core/sock_reuseport.c,
 * run_bpf_filter, called with hdr_len = sizeof(struct udphdr) by the UDP lookup), so offset 0 is
 * the payload. In raw mode every raw socket sees every packet, so shard i's socket filter accepts
 * only the packets of shard i ({@link #rawFilter}). A payload too short to hold the word goes to
 * shard 0, which counts it as malformed: the reuseport program's load aborts it with 0, the raw
 * filters check the length.
 *
 * @param payloadOffset where the 32-bit word is in the UDP payload
 * @param mask          the bits of the word that name the owner
 * @param shards        how many sockets (and threads), 1..64
 */
public record ShardSteering(int payloadOffset, int mask, int shards) {
    public static final int MAX_SHARDS = 64;

    public ShardSteering {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be 1.." + MAX_SHARDS + ", got " + shards);
        }
        if (payloadOffset < 0 || payloadOffset > 1024) {
            throw new IllegalArgumentException("payloadOffset must be 0..1024, got " + payloadOffset);
        }
    }

    /** One socket, no steering. */
    public static ShardSteering single() {
        return new ShardSteering(0, 0, 1);
    }

    /** The shard the kernel picks for a payload word (the programs' arithmetic, for tests and owners). */
    public int shardOf(int word) {
        return Integer.remainderUnsigned(word & mask, shards);
    }

    /** SO_ATTACH_REUSEPORT_CBPF: returns (word & mask) mod shards, the socket's index in the group. */
    int[][] reuseportProgram() {
        return new int[][] {
                {0x20, 0, 0, payloadOffset},   // ld [payloadOffset]   (offset 0 = UDP payload)
                {0x54, 0, 0, mask},            // and #mask
                {0x94, 0, 0, shards},          // mod #shards
                {0x16, 0, 0, 0},               // ret a
        };
    }

    /**
     * The raw socket filter of shard {@code shard}: unfragmented UDP to {@code address:port} whose
     * word selects this shard (with one shard, {@link RawPacketChannel#udpFilter} alone).
     */
    int[][] rawFilter(int address, int port, int shard) {
        if (shards == 1) {
            return RawPacketChannel.udpFilter(address, port);
        }
        int shortTarget = shard == 0 ? 4 : 5; // a payload too short for the word: shard 0 counts it (accept), others drop
        int[][] shardCheck = {
                {0x80, 0, 0, 0},                       // ld len           the packet's length
                {0x1C, 0, 0, 0},                       // sub x            minus the IPv4 header
                {0x35, 0, shortTarget, 8 + payloadOffset + 4}, // jge #(UDP header + word end) ? next : short
                {0x40, 0, 0, 8 + payloadOffset},       // ld [x+8+offset]  the word (UDP header is 8 bytes)
                {0x54, 0, 0, mask},                    // and #mask
                {0x94, 0, 0, shards},                  // mod #shards
                {0x15, 0, 1, shard},                   // jeq #shard ? accept : drop
                {0x06, 0, 0, 0xFFFF},                  // accept
                {0x06, 0, 0, 0},                       // drop
        };
        int[][] checks = RawPacketChannel.udpChecks(address, port, shardCheck.length - 1);
        int[][] program = java.util.Arrays.copyOf(checks, checks.length + shardCheck.length);
        System.arraycopy(shardCheck, 0, program, checks.length, shardCheck.length);
        return program;
    }
}
