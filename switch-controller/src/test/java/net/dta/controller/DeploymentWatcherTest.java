package net.dta.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import net.dta.controller.status.ControllerStatus;
import net.dta.deployment.DeploymentLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edits of the deployment file while the controller runs: applied when valid, refused (and kept) when not. */
class DeploymentWatcherTest {
    @TempDir
    Path dir;

    private static String deployment(String extraCollector) {
        return """
                controller: {admin: {enabled: false}, reconnect: {min-backoff: 1s, max-backoff: 1s}}
                collectors:
                  - {name: c0, address: 127.0.0.71}
                """ + extraCollector + """
                stores:
                  - {name: queue-depth, id: 1}
                translators:
                  - {name: t, p4runtime: "127.0.0.1:1", address: 127.0.0.70}
                """;
    }

    @Test
    void shouldApplyAValidEditAndKeepTheRunningDeploymentWhenAnEditIsInvalid() throws Exception {
        Path file = dir.resolve("deployment.yaml");
        Files.writeString(file, deployment(""));
        try (Controller controller = Controller.start(DeploymentLoader.load(file))) {
            DeploymentWatcher watcher = new DeploymentWatcher(file, controller, 3_600_000);
            try {
                watcher.check();
                assertEquals(0, controller.status().reloads(), "unchanged file: nothing to do");

                Files.writeString(file, deployment("  - {name: c1, address: 127.0.0.72}\n"));
                watcher.check();
                ControllerStatus s = controller.status();
                assertEquals(1, s.reloads());
                assertNull(s.reloadError());
                net.dta.controller.testing.TestNetwork.await("the translator agent to take the new collector", 10,
                        () -> controller.status().translators().get(0).queuePairs().size() == 2);

                Files.writeString(file, deployment("  - {name: c1, address: 127.0.0.300}\n"));
                watcher.check();
                s = controller.status();
                assertEquals(1, s.reloads());
                assertTrue(s.reloadError().contains("deployment.yaml:4:")
                        && s.reloadError().contains("collectors[1].address: must be an IPv4 address"), s.reloadError());
                assertEquals(2, controller.deployment().collectors().size(), "the running deployment is kept");
            } finally {
                watcher.close();
            }
        }
    }
}
