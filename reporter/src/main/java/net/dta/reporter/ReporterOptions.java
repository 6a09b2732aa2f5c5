package net.dta.reporter;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import net.dta.common.config.HostPort;
import net.dta.protocol.report.Report;
import net.dta.packetio.Ipv4;

/**
 * Where and how a {@link DtaReporter} sends.
 *
 * @param destination      the translator's IPv4 address (network-order int, see {@link Ipv4})
 * @param port             its report port (protocol.md: 40040)
 * @param bindAddress      local address to send from (0 = any)
 * @param batchSize        reports per sendmmsg call, 1..1024: a report is sent when the batch is
 *                         full, on {@link DtaReporter#flush()} or on close; 1 sends every report
 *                         at once
 * @param sendBufferBytes  SO_SNDBUF of the socket
 */
public record ReporterOptions(int destination, int port, int bindAddress, int batchSize, int sendBufferBytes) {
    public static final int DEFAULT_BATCH = 64;
    public static final int MAX_BATCH = 1024;
    public static final int DEFAULT_SEND_BUFFER = 4 << 20;

    public ReporterOptions {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: must be 1..65535, got " + port);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("batch: must be 1.." + MAX_BATCH + " reports, got " + batchSize);
        }
        if (sendBufferBytes < 4096) {
            throw new IllegalArgumentException("send buffer: must be at least 4096 bytes, got " + sendBufferBytes);
        }
    }

    /** Sends to {@code address:40040} from any local address, batches of 64. */
    public static ReporterOptions to(int address) {
        return new ReporterOptions(address, Report.DEFAULT_PORT, 0, DEFAULT_BATCH, DEFAULT_SEND_BUFFER);
    }

    /**
     * Parses {@code host} or {@code host:port} (the grammar of {@link HostPort#parse}); the port
     * defaults to 40040.
     * Host names are resolved once, here. The message of the exception names the field.
     */
    public static ReporterOptions parse(String target) {
        String t = target.strip();
        int port = Report.DEFAULT_PORT;
        String host = t;
        if (t.indexOf(':') >= 0) {
            HostPort hp = HostPort.parse(t);
            if (hp == null || hp.port() == 0) {
                throw new IllegalArgumentException("translator address \"" + target
                        + "\": give HOST or HOST:PORT with a port 1..65535, e.g. 127.0.0.1:40040");
            }
            host = hp.host();
            port = hp.port();
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("translator address \"" + target + "\": give HOST or HOST:PORT, e.g. 127.0.0.1:40040");
        }
        int address = 0;
        boolean found = false;
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address) {
                    address = Ipv4.toInt(a);
                    found = true;
                    break;
                }
            }
        } catch (UnknownHostException e) {
            found = false;
        }
        if (!found) {
            throw new IllegalArgumentException("translator address \"" + target + "\": " + host
                    + " is not an IPv4 address or a host name with one");
        }
        return new ReporterOptions(address, port, 0, DEFAULT_BATCH, DEFAULT_SEND_BUFFER);
    }

    public ReporterOptions withPort(int port) {
        return new ReporterOptions(destination, port, bindAddress, batchSize, sendBufferBytes);
    }

    public ReporterOptions withBatchSize(int batch) {
        return new ReporterOptions(destination, port, bindAddress, batch, sendBufferBytes);
    }

    public ReporterOptions withBindAddress(int address) {
        return new ReporterOptions(destination, port, address, batchSize, sendBufferBytes);
    }

    public ReporterOptions withSendBufferBytes(int bytes) {
        return new ReporterOptions(destination, port, bindAddress, batchSize, bytes);
    }

    /** {@code a.b.c.d:port}. */
    public String target() {
        return String.format(Locale.ROOT, "%s:%d", Ipv4.format(destination), port);
    }
}
