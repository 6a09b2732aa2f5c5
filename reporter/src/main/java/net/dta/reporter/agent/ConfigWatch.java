package net.dta.reporter.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** The agent's configuration file, read again when its bytes change (polled: a rename-into-place counts). */
public final class ConfigWatch {
    private final File file;
    private byte[] digest;

    public ConfigWatch(File file) {
        this.file = file;
        this.digest = digest();
    }

    /** The new configuration when the file changed since the last call, else null; an invalid one throws (once per change). */
    AgentConfig changed() {
        byte[] now = digest();
        if (now == null || Arrays.equals(now, digest)) {
            return null;
        }
        digest = now;
        return AgentConfig.load(file);
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file.toPath()));
        } catch (IOException e) {
            return null;    // between a delete and a rename, or gone: the rules stay
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
