package net.dta.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One BMv2 {@code simple_switch_grpc} in its own network namespace (root): data port i is the veth
 * {@code <name>-s<i>} inside the namespace, whose peer {@code <name>-h<i>} stays in the caller's
 * namespace (the test puts addresses on it); a management veth pair carries P4Runtime (gRPC on
 * {@link #p4runtime()}). The same commands, for a shell, are in docs/p4.md.
 */
public final class Bmv2Switch implements AutoCloseable {
    public static final int CPU_PORT = 255;
    public static final int GRPC_PORT = 9559;
    /** P4Runtime device id (BMv2 --device-id; PI answers "Error when trying to assign device" to any other). */
    public static final int DEVICE_ID = 1;

    private final String name;
    private final String namespace;
    private final int ports;
    private final String mgmtPrefix;
    private Process process;
    private final List<String> hostNamespaces = new ArrayList<>();

    private Bmv2Switch(String name, int ports) {
        this.name = name;
        this.namespace = "dta-" + name;
        this.ports = ports;
        this.mgmtPrefix = "10.254." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
    }

    /**
     * Creates the namespace and veths and starts simple_switch_grpc with no program (the controller
     * pushes it with SetForwardingPipelineConfig); returns once its gRPC port accepts connections.
     *
     * @param name short (at most 8 characters: interface names are limited to 15)
     * @param log  simple_switch_grpc's output
     */
    public static Bmv2Switch start(Path bin, String name, int ports, Path log) throws IOException, InterruptedException {
        if (name.length() > 8) {
            throw new IllegalArgumentException("name too long for interface names: " + name);
        }
        Bmv2Switch s = new Bmv2Switch(name, ports);
        try {
            s.setUp(bin, log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A random short switch name for tests ("b" + 5 hex digits). */
    public static String randomName() {
        return "b" + Integer.toHexString(0x100000 + ThreadLocalRandom.current().nextInt(0xEFFFFF)).substring(1);
    }

    private void setUp(Path bin, Path log) throws IOException, InterruptedException {
        ip("netns", "add", namespace);
        inNs("ip", "link", "set", "lo", "up");
        inNs("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, bin.resolve("simple_switch_grpc").toString(),
                "--log-console", "-L", "info"));
        for (int i = 1; i <= ports; i++) {
            ip("link", "add", hostPort(i), "type", "veth", "peer", "name", switchPort(i));
            ip("link", "set", switchPort(i), "netns", namespace);
            // No IPv6 on the switch's end either: its router and MLD solicitations would reach the host side.
            inNs("sysctl", "-q", "-w", "net.ipv6.conf." + switchPort(i) + ".disable_ipv6=1");
            inNs("ip", "link", "set", switchPort(i), "up");
            sysctl("net.ipv6.conf." + hostPort(i) + ".disable_ipv6=1");
            // veth defers the L4 checksum to the receiver (checksum offload); BMv2 reads the frame
            // with pcap and sends it on as it is, so without this the next host sees a bad UDP/TCP checksum.
            exec(List.of("ethtool", "-K", hostPort(i), "tx", "off"));
            inNs("ethtool", "-K", switchPort(i), "tx", "off");
            ip("link", "set", hostPort(i), "up");
            cmd.add("-i");
            cmd.add(i + "@" + switchPort(i));
        }
        ip("link", "add", name + "-m", "type", "veth", "peer", "name", name + "-n");
        ip("link", "set", name + "-n", "netns", namespace);
        ip("addr", "add", mgmtPrefix + "1/30", "dev", name + "-m");
        ip("link", "set", name + "-m", "up");
        inNs("ip", "addr", "add", mgmtPrefix + "2/30", "dev", name + "-n");
        inNs("ip", "link", "set", name + "-n", "up");
        cmd.addAll(List.of("--device-id", String.valueOf(DEVICE_ID), "--no-p4", "--", "--grpc-server-addr", mgmtPrefix + "2:" + GRPC_PORT, "--cpu-port", String.valueOf(CPU_PORT)));
        Files.createDirectories(log.toAbsolutePath().getParent());
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(mgmtPrefix + "2", GRPC_PORT), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("simple_switch_grpc did not start (see " + log + "): " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
    }

    /** P4Runtime address, host:port. */
    public String p4runtime() {
        return mgmtPrefix + "2:" + GRPC_PORT;
    }

    /** The host-side veth of data port i (in the caller's namespace). */
    public String hostPort(int i) {
        return name + "-h" + i;
    }

    private String switchPort(int i) {
        return name + "-s" + i;
    }

    /**
     * Moves host-side veth i into a namespace of its own (a host: {@code dta-<name>-h<i>}) with the
     * address {@code cidr}; returns the namespace, which {@link #close()} deletes.
     */
    public String isolateHost(int i, String cidr) throws IOException {
        String ns = namespace + "-h" + i;
        ip("netns", "add", ns);
        hostNamespaces.add(ns);
        ip("link", "set", hostPort(i), "netns", ns);
        exec(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"));
        exec(List.of("ip", "netns", "exec", ns, "ip", "addr", "add", cidr, "dev", hostPort(i)));
        exec(List.of("ip", "netns", "exec", ns, "ip", "link", "set", hostPort(i), "up"));
        return ns;
    }

    /** The MAC address of host-side veth i. */
    public String hostMac(int i) throws IOException {
        for (String ns : hostNamespaces) {
            if (ns.endsWith("-h" + i)) {
                ExternalTools.Result r = ExternalTools.run(List.of("ip", "netns", "exec", ns, "cat",
                        "/sys/class/net/" + hostPort(i) + "/address"), 30);
                return r.stdout().trim();
            }
        }
        return Files.readString(Path.of("/sys/class/net", hostPort(i), "address")).trim();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Runs `ip ARGS` in the caller's namespace; fails with its output. */
    public static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        exec(cmd);
    }

    private void inNs(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(args));
        exec(cmd);
    }

    private static void sysctl(String setting) throws IOException {
        exec(List.of("sysctl", "-q", "-w", setting));
    }

    private static void exec(List<String> cmd) throws IOException {
        ExternalTools.Result r = ExternalTools.run(cmd, 30);
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.stderr() + r.stdout());
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Deleting the namespace removes its veth ends, and with them their peers.
        ExternalTools.run(List.of("ip", "netns", "delete", namespace), 30);
        for (String ns : hostNamespaces) {
            ExternalTools.run(List.of("ip", "netns", "delete", ns), 30);
        }
        ExternalTools.run(List.of("ip", "link", "delete", name + "-m"), 30);
        for (int i = 1; i <= ports; i++) {
            ExternalTools.run(List.of("ip", "link", "delete", hostPort(i)), 30);
        }
    }
}
