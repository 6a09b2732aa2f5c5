package net.dta.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes Ethernet frames to a classic pcap file for tshark and Scapy. */
public final class Pcap {
    private Pcap() {
    }

    public static Path write(Path file, List<byte[]> frames) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(65535).putInt(1 /* LINKTYPE_ETHERNET */);
            out.write(header.array());
            long micros = 0;
            for (byte[] frame : frames) {
                ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                rec.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
                        .putInt(frame.length).putInt(frame.length);
                out.write(rec.array());
                out.write(frame);
                micros += 1;
            }
        }
        return file;
    }
}
