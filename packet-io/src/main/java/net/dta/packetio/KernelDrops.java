package net.dta.packetio;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel dropped at one of our sockets before we read it: the socket's {@code sk_drops}
 * (its receive buffer was full, or, for UDP, a bad checksum), the last column of
 * {@code /proc/self/net/udp} or {@code /proc/self/net/raw} on the line of the socket's inode.
 *
 * <p>Read when a status is asked for, never on the data path. The alternative, the
 * {@code SO_RXQ_OVFL} control message on every {@code recvmmsg}, costs a control buffer per batch
 * slot and a parse per packet, and it reports the count as of the last packet queued: drops after
 * the last one stay unseen until another arrives. The file is exact at the time it is read.
 */
public final class KernelDrops {
    /** The table of IPv4 UDP sockets. */
    static final Path UDP = Path.of("/proc/self/net/udp");
    /** The table of IPv4 raw sockets. */
    static final Path RAW = Path.of("/proc/self/net/raw");
    private static final int INODE_COLUMN = 9;

    private final Path table;
    private final long inode;

    private KernelDrops(Path table, long inode) {
        this.table = table;
        this.inode = inode;
    }

    /** The drops of socket {@code fd}, listed in {@code table}; a socket whose inode cannot be read counts as unknown. */
    static KernelDrops of(int fd, Path table) {
        return new KernelDrops(table, inode(Path.of("/proc/self/fd/" + fd)));
    }

    /** The inode of a socket from its {@code /proc/self/fd} link ({@code socket:[12345]}), or -1. */
    static long inode(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                return Long.parseLong(target, 8, target.length() - 1, 10);
            }
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            // not Linux, or not a socket: the count is unknown (-1), which status shows as such
        }
        return -1;
    }

    /** The kernel's drop count of the socket now, or -1 when the table does not list it (not Linux, closed). */
    public long read() {
        return inode < 0 ? -1 : read(table, inode);
    }

    /** The last column of the line of {@code inode} in a /proc/net socket table, or -1. */
    static long read(Path table, long inode) {
        try (BufferedReader in = Files.newBufferedReader(table)) {
            in.readLine(); // header
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.trim().split("\\s+");
                if (f.length > INODE_COLUMN + 1 && Long.parseLong(f[INODE_COLUMN]) == inode) {
                    return Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unreadable: unknown
        }
        return -1;
    }
}
