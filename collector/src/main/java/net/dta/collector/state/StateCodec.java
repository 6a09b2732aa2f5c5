package net.dta.collector.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;
import net.dta.rdma.endpoint.QueuePairState;

/**
 * Binary forms of what the collector persists. Each value starts with a format byte so that a
 * later build can read (or clearly refuse) what an older one wrote.
 */
final class StateCodec {
    static final int FORMAT = 1;

    private StateCodec() {
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] encode(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T decode(String key, byte[] value, Reader<T> r) throws StateException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new StateException("entry " + key + " has format " + format + " (this build reads " + FORMAT + ")");
            }
            return r.read(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new StateException("entry " + key + " is corrupt: " + e.getMessage());
        }
    }

    static byte[] definition(StoreDefinition d) {
        return encode(out -> {
            out.writeShort(d.storeId());
            out.writeUTF(d.name());
            out.writeByte(d.kind().code());
            out.writeByte(d.flags());
            for (int p : d.layout().params()) {
                out.writeInt(p);
            }
        });
    }

    static StoreDefinition definition(DataInputStream in) throws IOException {
        int id = in.readUnsignedShort();
        String name = in.readUTF();
        StoreKind kind = StoreKind.ofCode(in.readUnsignedByte());
        if (kind == null) {
            throw new IOException("unknown store kind");
        }
        int flags = in.readUnsignedByte();
        int[] p = new int[4];
        for (int i = 0; i < 4; i++) {
            p[i] = in.readInt();
        }
        return new StoreDefinition(id, name, StoreLayout.of(kind, p[0], p[1], p[2], p[3]), (flags & 1) != 0);
    }

    static byte[] region(RegionDescriptor r) {
        return encode(out -> {
            out.writeLong(r.va());
            out.writeLong(r.length());
            int[] rkeys = r.rkeys();
            out.writeByte(rkeys.length);
            for (int k : rkeys) {
                out.writeInt(k);
            }
        });
    }

    static RegionDescriptor region(DataInputStream in) throws IOException {
        long va = in.readLong();
        long length = in.readLong();
        int n = in.readUnsignedByte();
        int[] rkeys = new int[n];
        for (int i = 0; i < n; i++) {
            rkeys[i] = in.readInt();
        }
        return new RegionDescriptor(va, length, rkeys);
    }

    static byte[] queuePair(QueuePairState q) {
        return encode(out -> {
            out.writeInt(q.qpn());
            out.writeByte(q.remoteAddress().length);
            out.write(q.remoteAddress());
            out.writeInt(q.remoteQpn());
            out.writeInt(q.expectedPsn());
            out.writeInt(q.msn());
            out.writeInt(q.mtu());
            out.writeLong(q.localCommId());
            out.writeLong(q.remoteCommId());
        });
    }

    static QueuePairState queuePair(DataInputStream in) throws IOException {
        int qpn = in.readInt();
        byte[] address = new byte[in.readUnsignedByte()];
        in.readFully(address);
        return new QueuePairState(qpn, address, in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong());
    }

    static byte[] number(long value) {
        return encode(out -> out.writeLong(value));
    }
}
