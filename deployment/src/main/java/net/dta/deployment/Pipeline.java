package net.dta.deployment;

import java.util.List;

/**
 * What runs on a switch, which decides the P4Info the controller pushes, whether a device config
 * file is needed, and the target's default port numbers (translator-control.md 3 and 5, p4.md).
 */
public enum Pipeline {
    /** The project's software translator: v1model P4Info, any device config (none is sent). */
    SOFTWARE("software", false, false, 255, 1),
    /** BMv2 simple_switch_grpc: v1model P4Info and the BMv2 JSON; {@code --cpu-port 255}. */
    BMV2("bmv2", false, true, 255, 1),
    /** Tofino (TNA): TNA P4Info and the bf-p4c binary; CPU port 64 (2-pipe), recirculation port 68 (pipe 0). */
    TOFINO("tofino", true, true, 64, 68);

    private final String configName;
    private final boolean tna;
    private final boolean needsDeviceConfig;
    private final int defaultCpuPort;
    private final int defaultRecirculationPort;

    Pipeline(String configName, boolean tna, boolean needsDeviceConfig, int defaultCpuPort, int defaultRecirculationPort) {
        this.configName = configName;
        this.tna = tna;
        this.needsDeviceConfig = needsDeviceConfig;
        this.defaultCpuPort = defaultCpuPort;
        this.defaultRecirculationPort = defaultRecirculationPort;
    }

    public String configName() {
        return configName;
    }

    /** True for TNA P4Info (names under {@code pipe.}), false for v1model. */
    public boolean tna() {
        return tna;
    }

    /** True when SetForwardingPipelineConfig needs the compiled program (BMv2 JSON, Tofino binary). */
    public boolean needsDeviceConfig() {
        return needsDeviceConfig;
    }

    public int defaultCpuPort() {
        return defaultCpuPort;
    }

    /**
     * The egress port of clone session 500's replica (translator-control.md 5). Never 0: PI (BMv2's
     * P4Runtime server) rejects a replica with egress port 0 ("Missing port in multicast group replica").
     */
    public int defaultRecirculationPort() {
        return defaultRecirculationPort;
    }

    public static List<String> configNames() {
        return List.of(SOFTWARE.configName, BMV2.configName, TOFINO.configName);
    }

    public static Pipeline ofConfigName(String name) {
        for (Pipeline p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        return null;
    }
}
