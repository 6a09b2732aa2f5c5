package net.dta.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root (where docs/protocol.md lives) from any module's tests. */
public final class RepoPaths {
    private RepoPaths() {
    }

    public static Path root() {
        String configured = System.getProperty("dta.repo.root");
        if (configured != null && Files.exists(Path.of(configured, "docs", "protocol.md"))) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("docs").resolve("protocol.md"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (docs/protocol.md) above "
                + Path.of("").toAbsolutePath());
    }

    public static Path protocolDoc() {
        return root().resolve("docs").resolve("protocol.md");
    }
}
