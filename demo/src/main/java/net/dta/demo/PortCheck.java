package net.dta.demo;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import net.dta.translator.config.Mode;

/**
 * Checks, before anything starts, that every address the demo will listen on is free, so that a
 * clash (another demo, a component started by hand with its defaults) is reported at once, all of
 * them together, each with the option that moves it. The components check again when they bind.
 */
final class PortCheck {
    private static final int ROCE_PORT = 4791;

    private record Endpoint(String what, String host, int port, boolean udp, String fix) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();

    static PortCheck of(DemoSettings s) {
        PortCheck c = new PortCheck();
        String net = "--net (e.g. --net 127.0.1: the demo's loopback addresses)";
        for (int i = 0; i < s.collectors(); i++) {
            if (s.mode() == Mode.UDP) {
                c.udp("collector " + s.collectorName(i) + " RoCEv2", s.collectorAddress(i), ROCE_PORT, net);
            }
            c.tcp("collector " + s.collectorName(i) + " admin", s.collectorAdmin(i).host(), s.collectorAdmin(i).port(),
                    "--collector-admin (collector i uses its port + 10 i)");
        }
        if (s.mode() == Mode.UDP) {
            c.udp("translator RoCEv2", s.translatorAddress(), ROCE_PORT, net);
        }
        c.udp("translator reports", s.translatorAddress(), s.reportPort(), "--report-port, or " + net);
        c.tcp("translator P4Runtime", s.translatorAddress(), s.p4runtimePort(), "--p4runtime-port, or " + net);
        c.tcp("translator admin", s.translatorAdmin().host(), s.translatorAdmin().port(), "--translator-admin");
        c.tcp("controller admin", s.controllerAdmin().host(), s.controllerAdmin().port(), "--controller-admin");
        c.tcp("query gRPC", s.grpc().host(), s.grpc().port(), "--grpc");
        c.tcp("query HTTP", s.http().host(), s.http().port(), "--http");
        return c;
    }

    private void tcp(String what, String host, int port, String fix) {
        endpoints.add(new Endpoint(what, host, port, false, fix));
    }

    private void udp(String what, String host, int port, String fix) {
        endpoints.add(new Endpoint(what, host, port, true, fix));
    }

    /** Tries to bind each endpoint (port 0 is always free); throws with every one that is taken. */
    void verify() throws DemoException {
        List<String> problems = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.port() == 0) {
                continue;
            }
            InetSocketAddress a = new InetSocketAddress(e.host(), e.port());
            if (a.isUnresolved()) {
                problems.add(e.what() + ": unknown host " + e.host() + ": change " + e.fix());
                continue;
            }
            try {
                if (e.udp()) {
                    new DatagramSocket(a).close();
                } else {
                    try (ServerSocket socket = new ServerSocket()) {
                        socket.setReuseAddress(true);
                        socket.bind(a);
                    }
                }
            } catch (IOException ex) {
                String why = ex.getMessage() != null && ex.getMessage().contains("in use") ? "in use"
                        : "cannot be bound (" + ex.getMessage() + ")";
                problems.add(e.what() + " " + (e.udp() ? "udp " : "tcp ") + e.host() + ":" + e.port() + " " + why + ": change "
                        + e.fix());
            }
        }
        if (!problems.isEmpty()) {
            throw new DemoException("cannot start: " + (problems.size() == 1 ? "an address it needs is" : "addresses it needs are")
                    + " taken (another demo? a DTA component started with its defaults?); stop what uses them, or:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
