package net.dta.controller.p4runtime;

import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.dta.p4.BinaryStrings;
import net.dta.p4.P4InfoIndex;
import p4.config.v1.P4InfoOuterClass;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.Index;
import p4.v1.P4DataOuterClass.P4Data;
import p4.v1.P4RuntimeOuterClass.RegisterEntry;

/**
 * Register cells of a BMv2 switch through its Thrift runtime service ("standard" service of
 * simple_switch, TBinaryProtocol over a buffered TCP stream, multiplexed by service name): PI's
 * P4Runtime server answers every RegisterEntry read and write with UNIMPLEMENTED ("Register
 * reads/writes are not supported yet"), so on BMv2 the controller takes registers this way
 * (docs/p4.md). Only the three calls the controller needs: bm_register_write, bm_register_read,
 * bm_register_read_all. One connection per call batch; BMv2's register names are the P4Info names.
 */
public final class Bmv2ThriftRegisters implements RegisterAccess {
    private static final int VERSION_1 = 0x80010000;
    private static final byte CALL = 1;
    private static final byte REPLY = 2;
    private static final byte EXCEPTION = 3;
    private static final byte T_STOP = 0;
    private static final byte T_I32 = 8;
    private static final byte T_I64 = 10;
    private static final byte T_STRING = 11;
    private static final byte T_STRUCT = 12;
    private static final byte T_LIST = 15;

    private final String description;
    private final InetSocketAddress address;
    private final P4InfoIndex index;
    private final Duration deadline;
    private int seq;

    public Bmv2ThriftRegisters(String description, InetSocketAddress address, P4InfoIndex index, Duration deadline) {
        this.description = description + " Thrift " + address.getHostString() + ":" + address.getPort();
        this.address = address;
        this.index = index;
        this.deadline = deadline;
    }

    @Override
    public synchronized void write(List<Entity> cells) throws P4RuntimeException {
        try (Socket s = connect()) {
            for (Entity e : cells) {
                RegisterEntry r = e.getRegisterEntry();
                String name = name(r.getRegisterId());
                ByteArrayOutputStream args = new ByteArrayOutputStream();
                DataOutputStream a = new DataOutputStream(args);
                i32Field(a, 1, 0);
                stringField(a, 2, name);
                i32Field(a, 3, (int) r.getIndex().getIndex());
                a.writeByte(T_I64);
                a.writeShort(4);
                a.writeLong(BinaryStrings.decode(r.getData().getBitstring()));
                a.writeByte(T_STOP);
                call(s, "bm_register_write", args.toByteArray(), name, false);
            }
        } catch (IOException e) {
            throw new P4RuntimeException(description + ": bm_register_write: " + e.getMessage(), Status.Code.UNAVAILABLE, e);
        }
    }

    @Override
    public synchronized List<Entity> read(List<Entity> queries) throws P4RuntimeException {
        List<Entity> out = new ArrayList<>();
        try (Socket s = connect()) {
            for (Entity q : queries) {
                RegisterEntry r = q.getRegisterEntry();
                P4InfoOuterClass.Register reg = register(r.getRegisterId());
                String name = reg.getPreamble().getName();
                int bits = reg.getTypeSpec().getBitstring().getBit().getBitwidth();
                ByteArrayOutputStream args = new ByteArrayOutputStream();
                DataOutputStream a = new DataOutputStream(args);
                i32Field(a, 1, 0);
                stringField(a, 2, name);
                if (r.hasIndex()) {
                    i32Field(a, 3, (int) r.getIndex().getIndex());
                    a.writeByte(T_STOP);
                    long[] v = call(s, "bm_register_read", args.toByteArray(), name, true);
                    out.add(cell(r.getRegisterId(), r.getIndex().getIndex(), v[0], bits));
                } else {
                    a.writeByte(T_STOP);
                    long[] v = call(s, "bm_register_read_all", args.toByteArray(), name, true);
                    for (int i = 0; i < v.length; i++) {
                        out.add(cell(r.getRegisterId(), i, v[i], bits));
                    }
                }
            }
        } catch (IOException e) {
            throw new P4RuntimeException(description + ": bm_register_read: " + e.getMessage(), Status.Code.UNAVAILABLE, e);
        }
        return out;
    }

    private static Entity cell(int id, long i, long value, int bits) {
        long masked = bits >= 64 ? value : value & ((1L << bits) - 1);
        return Entity.newBuilder().setRegisterEntry(RegisterEntry.newBuilder().setRegisterId(id)
                .setIndex(Index.newBuilder().setIndex(i))
                .setData(P4Data.newBuilder().setBitstring(BinaryStrings.padded(masked, bits, "register")))).build();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        int millis = (int) Math.min(Integer.MAX_VALUE, deadline.toMillis());
        s.connect(address, millis);
        s.setSoTimeout(millis);
        s.setTcpNoDelay(true);
        return s;
    }

    /** One call; returns the I64 result, or the list of I64 results, or nothing for a void call. */
    private long[] call(Socket s, String method, byte[] args, String register, boolean hasResult) throws IOException, P4RuntimeException {
        String name = "standard:" + method;
        int id = ++seq;
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        DataOutputStream m = new DataOutputStream(msg);
        m.writeInt(VERSION_1 | CALL);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        m.writeInt(n.length);
        m.write(n);
        m.writeInt(id);
        m.write(args);
        s.getOutputStream().write(msg.toByteArray());
        s.getOutputStream().flush();

        DataInputStream in = new DataInputStream(s.getInputStream());
        int header = in.readInt();
        if ((header & 0xFFFF0000) != VERSION_1) {
            throw new IOException("not a Thrift binary-protocol reply (header 0x" + Integer.toHexString(header) + ")");
        }
        byte type = (byte) header;
        readString(in);
        in.readInt();
        if (type == EXCEPTION) {
            String text = "Thrift application exception";
            for (byte t = in.readByte(); t != T_STOP; t = in.readByte()) {
                short f = in.readShort();
                if (f == 1 && t == T_STRING) {
                    text = readString(in);
                } else {
                    skip(in, t);
                }
            }
            throw new P4RuntimeException(description + ": " + method + "(" + register + "): " + text, Status.Code.UNIMPLEMENTED, null);
        }
        if (type != REPLY) {
            throw new IOException("unexpected Thrift message type " + type);
        }
        long[] result = new long[0];
        for (byte t = in.readByte(); t != T_STOP; t = in.readByte()) {
            short f = in.readShort();
            if (f == 0 && t == T_I64) {
                result = new long[] {in.readLong()};
            } else if (f == 0 && t == T_LIST) {
                byte elem = in.readByte();
                int size = in.readInt();
                if (elem != T_I64) {
                    throw new IOException("unexpected list element type " + elem);
                }
                result = new long[size];
                for (int i = 0; i < size; i++) {
                    result[i] = in.readLong();
                }
            } else if (f == 1 && t == T_STRUCT) {
                int code = -1;
                for (byte u = in.readByte(); u != T_STOP; u = in.readByte()) {
                    short g = in.readShort();
                    if (g == 1 && u == T_I32) {
                        code = in.readInt();
                    } else {
                        skip(in, u);
                    }
                }
                throw new P4RuntimeException(description + ": " + method + "(" + register + "): InvalidRegisterOperation code " + code
                        + " (1 no such register, 2 index out of bounds)", Status.Code.INVALID_ARGUMENT, null);
            } else {
                skip(in, t);
            }
        }
        if (hasResult && result.length == 0 && method.equals("bm_register_read")) {
            throw new IOException(method + " returned no value");
        }
        return result;
    }

    private static void i32Field(DataOutputStream a, int id, int v) throws IOException {
        a.writeByte(T_I32);
        a.writeShort(id);
        a.writeInt(v);
    }

    private static void stringField(DataOutputStream a, int id, String v) throws IOException {
        a.writeByte(T_STRING);
        a.writeShort(id);
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        a.writeInt(b.length);
        a.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > (1 << 20)) {
            throw new IOException("bad Thrift string length " + len);
        }
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    /** Skips a value of a Thrift type (the few types BMv2's replies can carry). */
    private static void skip(DataInputStream in, byte type) throws IOException {
        switch (type) {
            case 2, 3 -> in.readByte();
            case 6 -> in.readShort();
            case T_I32 -> in.readInt();
            case 4, T_I64 -> in.readLong();
            case T_STRING -> readString(in);
            case T_STRUCT -> {
                for (byte t = in.readByte(); t != T_STOP; t = in.readByte()) {
                    in.readShort();
                    skip(in, t);
                }
            }
            case T_LIST, 14 -> {
                byte elem = in.readByte();
                int size = in.readInt();
                for (int i = 0; i < size; i++) {
                    skip(in, elem);
                }
            }
            default -> throw new IOException("cannot skip Thrift type " + type);
        }
    }

    private P4InfoOuterClass.Register register(int id) throws P4RuntimeException {
        return index.p4Info().getRegistersList().stream().filter(r -> r.getPreamble().getId() == id).findFirst()
                .orElseThrow(() -> new P4RuntimeException(description + ": no register with id " + id + " in the P4Info",
                        Status.Code.INVALID_ARGUMENT, null));
    }

    private String name(int id) throws P4RuntimeException {
        return register(id).getPreamble().getName();
    }
}
