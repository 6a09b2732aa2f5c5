package net.dta.packetio;

/**
 * The XDP program of an AF_XDP channel, assembled here as eBPF instructions (27 of them). It
 * redirects an unfragmented IPv4/UDP frame without IP options to {@code address:port} into the
 * XSKMAP entry of the receive queue it arrived on, and passes every other frame (ARP, ICMP, other
 * ports and addresses, fragments) to the kernel's stack unchanged. A queue with no socket in the
 * map passes too (bpf_redirect_map's fallback action).
 *
 * <pre>
 *  r6 = ctx; r2 = data; r3 = data_end
 *  if data + 42 > data_end          -> pass   (Ethernet 14 + IPv4 20 + UDP 8)
 *  ethertype != 0x0800              -> pass
 *  version/IHL != 0x45              -> pass
 *  protocol != 17                   -> pass
 *  MF flag or fragment offset != 0  -> pass
 *  destination address != address  -> pass
 *  destination port != port         -> pass
 *  return bpf_redirect_map(xskmap, ctx->rx_queue_index, XDP_PASS)
 * pass:
 *  return XDP_PASS
 * </pre>
 *
 * Packet bytes are loaded in the CPU's (little-endian) order, so the constants compared with are
 * the network-order values byte-swapped.
 */
final class XdpProgram {
    static final int XDP_PASS = 2;
    private static final int HELPER_REDIRECT_MAP = 51;
    private static final int PSEUDO_MAP_FD = 1;

    // opcodes: class | size/operation | source
    private static final int MOV64_REG = 0xBF;
    private static final int MOV64_IMM = 0xB7;
    private static final int ADD64_IMM = 0x07;
    private static final int AND32_IMM = 0x54;
    private static final int LDX_W = 0x61;
    private static final int LDX_H = 0x69;
    private static final int LDX_B = 0x71;
    private static final int JGT_REG = 0x2D;
    private static final int JNE32_IMM = 0x56;
    private static final int LD_IMM64 = 0x18;
    private static final int CALL = 0x85;
    private static final int EXIT = 0x95;

    private static final int PASS = 25;

    private XdpProgram() {
    }

    /** The instructions (each the 8 bytes of struct bpf_insn as a little-endian long). */
    static long[] assemble(int mapFd, int address, int port) {
        long[] p = {
                insn(MOV64_REG, 6, 1, 0, 0),                 // 0  r6 = ctx
                insn(LDX_W, 2, 6, 0, 0),                     // 1  r2 = ctx->data
                insn(LDX_W, 3, 6, 4, 0),                     // 2  r3 = ctx->data_end
                insn(MOV64_REG, 4, 2, 0, 0),                 // 3  r4 = r2
                insn(ADD64_IMM, 4, 0, 0, 42),                // 4  r4 += 42
                insn(JGT_REG, 4, 3, jump(5), 0),             // 5  if r4 > r3 -> pass
                insn(LDX_H, 5, 2, 12, 0),                    // 6  ethertype
                insn(JNE32_IMM, 5, 0, jump(7), 0x0008),      // 7  != IPv4 -> pass
                insn(LDX_B, 5, 2, 14, 0),                    // 8  version/IHL
                insn(JNE32_IMM, 5, 0, jump(9), 0x45),        // 9
                insn(LDX_B, 5, 2, 23, 0),                    // 10 protocol
                insn(JNE32_IMM, 5, 0, jump(11), 17),         // 11
                insn(LDX_H, 5, 2, 20, 0),                    // 12 flags + fragment offset
                insn(AND32_IMM, 5, 0, 0, 0xFF3F),            // 13 MF | offset (0x3FFF swapped)
                insn(JNE32_IMM, 5, 0, jump(14), 0),          // 14
                insn(LDX_W, 5, 2, 30, 0),                    // 15 destination address
                insn(JNE32_IMM, 5, 0, jump(16), Integer.reverseBytes(address)), // 16
                insn(LDX_H, 5, 2, 36, 0),                    // 17 UDP destination port
                insn(JNE32_IMM, 5, 0, jump(18), Short.toUnsignedInt(Short.reverseBytes((short) port))), // 18
                insn(LDX_W, 2, 6, 16, 0),                    // 19 r2 = ctx->rx_queue_index
                insn(LD_IMM64, 1, PSEUDO_MAP_FD, 0, mapFd),  // 20 r1 = the XSKMAP
                insn(0, 0, 0, 0, 0),                         // 21 (second half of the 64-bit load)
                insn(MOV64_IMM, 3, 0, 0, XDP_PASS),          // 22 r3 = fallback action
                insn(CALL, 0, 0, 0, HELPER_REDIRECT_MAP),    // 23 r0 = bpf_redirect_map(r1, r2, r3)
                insn(EXIT, 0, 0, 0, 0),                      // 24
                insn(MOV64_IMM, 0, 0, 0, XDP_PASS),          // 25 pass: r0 = XDP_PASS
                insn(EXIT, 0, 0, 0, 0),                      // 26
        };
        return p;
    }

    /** The offset of a jump at {@code pc} to the pass label. */
    private static int jump(int pc) {
        return PASS - (pc + 1);
    }

    static long insn(int opcode, int dst, int src, int offset, int immediate) {
        return (opcode & 0xFFL)
                | ((long) ((src & 0xF) << 4 | (dst & 0xF)) << 8)
                | ((offset & 0xFFFFL) << 16)
                | ((immediate & 0xFFFF_FFFFL) << 32);
    }
}
