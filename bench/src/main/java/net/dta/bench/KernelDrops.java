package net.dta.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Datagrams the kernel dropped for one bound UDP socket because its receive buffer was full: the
 * {@code drops} column of {@code /proc/net/udp} for the socket bound to an address and port. These
 * reports never reach the translator, so its own counters cannot show them; a benchmark row with
 * kernel drops measured a loop that did not keep up (docs/performance.md, "the slow mode").
 */
final class KernelDrops {
    private static final Path UDP = Path.of("/proc/net/udp");

    private KernelDrops() {
    }

    /** The socket's drop count, or -1 when no socket is bound there (or the file is not readable). */
    static long of(int address, int port) {
        // /proc/net/udp prints the address as the host-order value of the network-order word.
        String local = String.format(Locale.ROOT, "%08X:%04X", Integer.reverseBytes(address), port);
        List<String> lines;
        try {
            lines = Files.readAllLines(UDP);
        } catch (IOException e) {
            return -1;
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
            if (f.length >= 13 && f[1].equals(local)) {
                return Long.parseLong(f[12]);
            }
        }
        return -1;
    }
}
