package net.dta.controller.translator;

/**
 * Answers ARP requests for the translator's own address (they reach the controller as PacketIns
 * with reason 6, translator-control.md 3): the reply goes back out of the port the request came in
 * on. A real network needs it so that collectors and routers find the translator's MAC; on
 * loopback no ARP happens.
 */
final class ArpResponder {
    static final int ETHER_TYPE_ARP = 0x0806;
    static final int FRAME_LENGTH = 42;

    private ArpResponder() {
    }

    /**
     * The ARP reply to a request for {@code address} (sent from {@code mac}), or null when the
     * frame is not an Ethernet/IPv4 ARP request for that address.
     */
    static byte[] reply(byte[] request, int address, long mac) {
        if (request.length < FRAME_LENGTH || u16(request, 12) != ETHER_TYPE_ARP || u16(request, 14) != 1
                || u16(request, 16) != 0x0800 || request[18] != 6 || request[19] != 4 || u16(request, 20) != 1
                || u32(request, 38) != address) {
            return null;
        }
        byte[] r = new byte[FRAME_LENGTH];
        System.arraycopy(request, 22, r, 0, 6);           // to the requester's MAC
        putMac(r, 6, mac);
        r[12] = 0x08;
        r[13] = 0x06;
        System.arraycopy(request, 14, r, 14, 6);          // htype, ptype, hlen, plen
        r[21] = 2;                                        // reply
        putMac(r, 22, mac);                               // sender: us
        putU32(r, 28, address);
        System.arraycopy(request, 22, r, 32, 10);         // target: the requester's MAC and IP
        return r;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    private static void putMac(byte[] b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b[at + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    private static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
