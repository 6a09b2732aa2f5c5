package net.dta.deployment;

import java.util.List;

import net.dta.protocol.Addresses;

/**
 * One translator of the deployment (docs/deployment.md, {@code translators[]}).
 *
 * @param p4runtime the P4Runtime gRPC server
 * @param deviceConfig the compiled program pushed with the pipeline (null: none; the software translator takes none)
 * @param p4info a P4Info text file overriding the built-in one of the pipeline (null: built-in)
 * @param translatorId carried in the CM REQ's DTA private data (protocol.md 7.2)
 * @param address the translator's RoCEv2 IPv4 address (int form)
 * @param mac its MAC (low 48 bits)
 * @param reportPort UDP port reporters send to (what reporters are told; the translator's own setting must agree)
 * @param cpuPort the CPU port (what PacketIns come from)
 * @param collectorPort egress port of the host routes the controller adds towards collectors
 * @param recirculationPort replica port of clone session 500
 * @param collectors names of the collectors this translator connects to (all by default)
 */
public record TranslatorSpec(SwitchEndpoint device, int translatorId, int address, long mac, int reportPort,
                             int cpuPort, int collectorPort, int recirculationPort, Settings settings, List<Route> routes,
                             List<String> collectors) {
    public TranslatorSpec {
        routes = List.copyOf(routes);
        collectors = List.copyOf(collectors);
    }

    /**
     * The translator's settings ({@code Ingress.dta_settings}).
     *
     * @param ackIntervalLog2 AckReq every 2^n packets (protocol.md 5.6; default 6 = 64)
     * @param flushIntervalMicros idle flush of postcards and Append batches (default 1000)
     * @param probeIntervalMillis liveness probe interval (default 100)
     */
    public record Settings(int ackIntervalLog2, long flushIntervalMicros, int probeIntervalMillis) {
        public static final Settings DEFAULT = new Settings(6, 1000, 100);
    }

    public String name() {
        return device.name();
    }

    public Pipeline pipeline() {
        return device.pipeline();
    }

    public String addressText() {
        return Addresses.formatIpv4(address);
    }
}
