package net.dta.common.admin;

import java.nio.file.Path;

import net.dta.common.security.ClientSecurity;
import picocli.CommandLine.Option;

/** The options of every command that talks to a protected endpoint (a picocli mixin; docs/security.md). */
public final class ClientSecurityOptions {
    @Option(names = "--tls-ca", paramLabel = "PEM", description = "use TLS (https), trusting this CA for the server's certificate")
    Path ca;

    @Option(names = "--tls-certificate", paramLabel = "PEM", description = "present this client certificate (with --tls-private-key)")
    Path certificate;

    @Option(names = "--tls-private-key", paramLabel = "PEM", description = "the client certificate's PKCS#8 key")
    Path privateKey;

    @Option(names = "--token-file", paramLabel = "FILE", description = "send the bearer token this file holds")
    Path tokenFile;

    public ClientSecurity security() {
        return ClientSecurity.of(ca, certificate, privateKey, tokenFile);
    }
}
