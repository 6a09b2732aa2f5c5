package net.dta.translator.dataplane;

import net.dta.packetio.PacketBatch;

/**
 * Where the data plane's frames go: normally a {@link net.dta.packetio.PacketChannel} (raw: IPv4
 * header as built; UDP: the UDP payload from the bound port). Returns how many were accepted.
 */
@FunctionalInterface
public interface FrameSink {
    int send(PacketBatch batch, int count);
}
