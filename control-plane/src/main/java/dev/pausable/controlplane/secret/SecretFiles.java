package dev.pausable.controlplane.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Secrets the control plane keeps on disk: one line each, in files only its own user can read. */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /** 256 random bits, base64url without padding (safe in URLs, JDBC parameters and shell words). */
    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The secret in {@code file}; when there is none yet, a new {@link #random()} one, written there first. */
    public static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String secret = Files.readString(file).strip();
                if (!secret.isEmpty()) {
                    return secret;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the secret in " + file, e);
        }
        String secret = random();
        write(file, secret);
        return secret;
    }

    /** Written in full under a temporary name with owner-only permissions, then moved into place. */
    public static void write(Path file, String secret) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, secret + "\n");
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the secret to " + file, e);
        }
    }
}
