package dev.pausable.controlplane.auth;

import dev.pausable.controlplane.secret.SecretFiles;
import java.nio.file.Files;
import java.nio.file.Path;
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
        tokens.bootstrapAdmin(secret -> SecretFiles.write(file, secret)).ifPresentOrElse(
                token -> log.info("No API token existed: created admin token '{}' ({}); its secret is in {}"
                        + " (readable only by this user)", token.name(), token.id(), file),
                () -> {
                    if (Files.exists(file)) {
                        log.info("Admin token of the first start: {}", file);
                    }
                });
    }
}
