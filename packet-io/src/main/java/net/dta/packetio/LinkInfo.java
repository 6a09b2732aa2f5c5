package net.dta.packetio;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * The interface that carries a local IPv4 address, as the link-layer channels (xdp, ring) need
 * it: its index, name and MAC (zero on loopback). Looked up once when a channel opens, in the network namespace of the calling
 * thread.
 */
record LinkInfo(String name, int index, long mac, boolean loopback) {

    static LinkInfo of(int address) throws IOException {
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByInetAddress(Ipv4.toInetAddress(address));
        } catch (SocketException e) {
            throw new IOException("cannot list the network interfaces: " + e.getMessage(), e);
        }
        if (nif == null) {
            throw new IOException("no interface carries " + Ipv4.format(address)
                    + " (configure the address on the interface the traffic arrives on)");
        }
        byte[] hw = nif.getHardwareAddress();
        long mac = 0;
        if (hw != null && hw.length == 6) {
            for (byte b : hw) {
                mac = (mac << 8) | (b & 0xFF);
            }
        }
        return new LinkInfo(nif.getName(), nif.getIndex(), mac, nif.isLoopback());
    }

    static String formatMac(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            b.append(String.format("%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return name + " (index " + index + ", " + (loopback ? "loopback" : formatMac(mac)) + ")";
    }
}
