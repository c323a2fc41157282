package dev.pausable.controlplane.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Like Jupyter's first start: when no API token exists, creates an admin token and writes it to a
 * file only this user can read; the log names the file, never the token.
 */
@Component
class FirstStart implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);

    private final Tokens tokens;
    private final Path file;

    FirstStart(Tokens tokens, AuthProperties properties) {
        this.tokens = tokens;
        this.file = properties.adminTokenFile().toAbsolutePath();
    }

    @Override
    public void run(ApplicationArguments args) {
        tokens.bootstrapAdmin(this::write).ifPresentOrElse(
                token -> log.info("No API token existed: created admin token '{}' ({}); its secret is in {}"
                        + " (readable only by this user)", token.name(), token.id(), file),
                () -> {
                    if (Files.exists(file)) {
                        log.info("Admin token of the first start: {}", file);
                    }
                });
    }

    /** Written in full under a temporary name with owner-only permissions, then moved into place. */
    private void write(String secret) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = Files.createTempFile(file.getParent(), ".admin-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, secret + "\n");
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the admin token to " + file, e);
        }
    }
}
