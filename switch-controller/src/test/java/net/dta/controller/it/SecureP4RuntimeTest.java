package net.dta.controller.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.common.security.ServerSecurity;
import net.dta.controller.Controller;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.testing.TestNetwork;
import net.dta.testkit.TestCertificates;

/**
 * Issue 13 item 8: the controller reaches a translator whose P4Runtime server requires TLS and the
 * controller's client certificate, with the certificate named in the deployment file
 * ({@code p4runtime-security}); a deployment without it is refused by the translator and says so.
 */
class SecureP4RuntimeTest {
    @TempDir
    Path dir;

    @Test
    void theControllerProgramsAnMtlsTranslatorWithTheCertificateOfTheDeploymentFile() throws Exception {
        try (TestNetwork net = new TestNetwork(dir)) {
            TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
            Path[] server = certs.issue("translator", net.translatorAddress());
            Path[] controller = certs.issue("controller");
            net.p4runtimeSecurity = new ServerSecurity(server[0], server[1], certs.ca, List.of("controller"), null, false);
            net.startCollectorsAndTranslator(1);

            Controller plain = net.startController(net.writeDeployment("plain.yaml", 10, 1, ""));
            TestNetwork.await("the plain controller to fail", 20, () -> {
                TranslatorStatus t = plain.status().translators().get(0);
                return !"ready".equals(t.state()) && t.detail() != null && !t.detail().isEmpty();
            });
            assertEquals(0, net.translator().p4runtime().clients(), "no plain-text client got through");
            plain.close();

            net.translatorYaml = "    p4runtime-security: {tls-ca: " + certs.ca + ", tls-certificate: " + controller[0]
                    + ", tls-private-key: " + controller[1] + "}\n";
            Controller secure = net.startController(net.writeDeployment("secure.yaml", 10, 1, ""));
            TestNetwork.await("queue pair up and stores programmed over mTLS", 30, () -> {
                TranslatorStatus t = secure.status().translators().get(0);
                return "ready".equals(t.state()) && t.queuePairs().stream().allMatch(q -> q.state().equals("up"));
            });
            assertTrue(secure.status().translators().get(0).primary());
            assertEquals("10", net.translator().p4runtime().primary());
        }
    }
}
