package net.dta.deployment;

import java.nio.file.Path;

import net.dta.common.config.HostPort;
import net.dta.common.security.ClientSecurity;

/**
 * How the controller reaches and programs one P4Runtime switch (a translator or a reporter).
 *
 * @param p4runtime the P4Runtime gRPC server
 * @param electionId this controller's election id (the highest connected one is primary)
 * @param deviceConfig the compiled program pushed with the pipeline (null: none)
 * @param p4info a P4Info text file overriding the pipeline's built-in one (null: built-in)
 * @param security TLS, client certificate and/or token for the P4Runtime connection ({@code p4runtime-security}, docs/security.md)
 */
public record SwitchEndpoint(String name, HostPort p4runtime, long deviceId, long electionId, Pipeline pipeline,
                             Path deviceConfig, Path p4info, ClientSecurity security) {
    public SwitchEndpoint(String name, HostPort p4runtime, long deviceId, long electionId, Pipeline pipeline, Path deviceConfig,
                          Path p4info) {
        this(name, p4runtime, deviceId, electionId, pipeline, deviceConfig, p4info, ClientSecurity.NONE);
    }
}
