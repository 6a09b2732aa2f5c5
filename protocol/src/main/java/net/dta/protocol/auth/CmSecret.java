package net.dta.protocol.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The deployment's RDMA CM secret (protocol.md 7.2, docs/security.md): a file holding at least
 * {@value #MIN_BYTES} random bytes as hex digits (whitespace ignored), readable by its owner only.
 * Collectors and the controller read the same file (or copies of it).
 */
public final class CmSecret {
    public static final int MIN_BYTES = 32;
    /** The command that makes one, quoted in every error. */
    public static final String HOW_TO_GENERATE = "(umask 077; openssl rand -hex 32 > FILE), or ./dta cm-secret FILE";

    private CmSecret() {
    }

    /**
     * Reads and checks the secret file named by configuration field {@code field}.
     *
     * @throws IllegalArgumentException naming the field, the file and the fix
     */
    public static byte[] load(Path file, String field) {
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(field + ": no secret file " + file + "; make one with "
                        + HOW_TO_GENERATE.replace("FILE", file.toString()));
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
                if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                        || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                    throw new IllegalArgumentException(field + ": secret file " + file + " has mode "
                            + PosixFilePermissions.toString(p) + ": other users could read or change it; chmod 600 " + file);
                }
            }
            text = Files.readString(file, StandardCharsets.US_ASCII).replaceAll("\\s", "");
        } catch (IOException e) {
            throw new IllegalArgumentException(field + ": cannot read secret file " + file + ": " + e.getMessage(), e);
        }
        byte[] secret;
        try {
            secret = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": secret file " + file + " must hold hex digits only (an even number); "
                    + "make one with " + HOW_TO_GENERATE.replace("FILE", file.toString()));
        }
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(field + ": secret file " + file + " holds " + secret.length + " bytes, at least "
                    + MIN_BYTES + " random bytes are needed; make one with " + HOW_TO_GENERATE.replace("FILE", file.toString()));
        }
        return secret;
    }

    /** Writes a fresh secret (32 bytes from a CSPRNG, as hex) readable by its owner only; returns it. */
    public static byte[] generate(Path file) throws IOException {
        byte[] secret = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(secret);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, ".cm-secret", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }
}
