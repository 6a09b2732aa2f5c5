package net.dta.controller.it.diff;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.dta.controller.DeviceAgent;
import net.dta.controller.p4runtime.Bmv2ThriftRegisters;
import net.dta.common.config.HostPort;
import net.dta.deployment.Pipeline;
import net.dta.testkit.Bmv2Switch;
import net.dta.testkit.EtherPort;

/**
 * translator_v1model.p4 compiled by p4c-bm2-ss, in simple_switch_grpc (its own namespace, data port
 * 1 a veth); the test stands on the host side of that veth with an {@link EtherPort}, sending the
 * reports and the collector's replies as whole frames and capturing every frame BMv2 sends.
 */
public final class Bmv2DiffTarget extends DiffTarget {
    /** After the expected frames, how long the port must stay quiet before a step counts as finished. */
    private static final long QUIET_NANOS = 40_000_000L;
    private static final long STEP_DEADLINE_NANOS = 15_000_000_000L;
    private static final int REPORT_SOURCE_PORT = 50000;
    /** The reporter the reports come from (any address; the translator does not look at it). */
    private static final int REPORTER_IP = net.dta.packetio.Ipv4.parse("10.0.0.9");
    private static final long REPORTER_MAC = 0x020000000009L;

    private final Bmv2Switch sw;
    private final EtherPort port;
    private final long translatorMac;
    private final int translatorIp;

    private Bmv2DiffTarget(Bmv2Switch sw, EtherPort port, byte[] json, long translatorMac, int translatorIp) throws Exception {
        super("bmv2", HostPort.parse(sw.p4runtime()), Pipeline.BMV2, json, device -> new Bmv2ThriftRegisters(device.description(),
                new InetSocketAddress(HostPort.parse(sw.p4runtime()).host(), DeviceAgent.BMV2_THRIFT_PORT), device.entities().index(),
                Duration.ofSeconds(30)));
        this.sw = sw;
        this.port = port;
        this.translatorMac = translatorMac;
        this.translatorIp = translatorIp;
    }

    public static Bmv2DiffTarget start(Path bin, Path json, Path log, long translatorMac, int translatorIp) throws Exception {
        Bmv2Switch sw = Bmv2Switch.start(bin, Bmv2Switch.randomName(), 1, log);
        EtherPort port = null;
        try {
            port = EtherPort.open(sw.hostPort(1), 20);
            return new Bmv2DiffTarget(sw, port, Files.readAllBytes(json), translatorMac, translatorIp);
        } catch (Exception | Error e) {
            if (port != null) {
                port.close();
            }
            sw.close();
            throw e;
        }
    }

    @Override
    public List<byte[]> report(byte[] payload, int expectedFrames) throws Exception {
        port.send(udpFrame(payload));
        return collect(expectedFrames);
    }

    /** Reports sent back to back; then every frame until {@code expected} came and the port is quiet. */
    public List<byte[]> burst(List<byte[]> payloads, int expected) throws Exception {
        for (byte[] p : payloads) {
            port.send(udpFrame(p));
        }
        return collect(expected);
    }

    @Override
    public List<byte[]> reply(byte[] frame, int expectedFrames) throws Exception {
        port.send(frame);
        return collect(expectedFrames);
    }

    /** BMv2 has no timers (docs/p4.md: lazy flush and probes): time passes, nothing is sent. */
    @Override
    public List<byte[]> idle(long nanos) throws Exception {
        long end = System.nanoTime() + nanos;
        List<byte[]> out = new ArrayList<>();
        while (System.nanoTime() < end) {
            byte[] f = port.receive();
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** Every frame until at least {@code expected} came and then none for {@link #QUIET_NANOS}. */
    private List<byte[]> collect(int expected) throws Exception {
        List<byte[]> out = new ArrayList<>();
        long deadline = System.nanoTime() + STEP_DEADLINE_NANOS;
        long lastArrival = System.nanoTime();
        while (System.nanoTime() < deadline) {
            byte[] f = port.receive();
            long now = System.nanoTime();
            if (f != null) {
                out.add(f);
                lastArrival = now;
            } else if (out.size() >= expected && now - lastArrival >= QUIET_NANOS) {
                break;
            }
        }
        return out;
    }

    /** The report as BMv2 receives it: Ethernet, IPv4 (checksum set), UDP to port 40040 (checksum 0). */
    private byte[] udpFrame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        putMac(b, translatorMac);
        putMac(b, REPORTER_MAC);
        b.putShort((short) 0x0800);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(REPORTER_IP).putInt(translatorIp);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getShort(ipStart + i) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        b.putShort(ipStart + 10, (short) ~sum);
        b.putShort((short) REPORT_SOURCE_PORT).putShort((short) net.dta.protocol.report.Report.DEFAULT_PORT)
                .putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    private static void putMac(ByteBuffer b, long mac) {
        for (int i = 5; i >= 0; i--) {
            b.put((byte) (mac >>> (8 * i)));
        }
    }

    /**
     * Discards what arrived before the first step (nothing the translator sent: no report was in
     * yet) and returns it.
     */
    public List<byte[]> drain() throws Exception {
        return idle(100_000_000L);
    }

    public boolean isAlive() {
        return sw.isAlive();
    }

    @Override
    public void close() {
        super.close();
        port.close();
        sw.close();
    }
}
