package dev.pausable.controlplane.auth;

import dev.pausable.controlplane.secret.SecretFiles;
import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API tokens: 256 random bits, shown once when issued, stored only as their SHA-256 (a slow password
 * hash buys nothing for secrets this long, and every request checks one). Every check reads the
 * database, so a revocation takes effect at once on every control plane.
 */
@Service
public class Tokens {

    /** Marks our tokens, so that other bearer tokens (an identity provider's JWTs) go elsewhere. */
    private static final String PREFIX = "pt_";
    static final String BOOTSTRAP_NAME = "admin";

    /** A newly issued token and its secret, which is never available again. */
    public record Issued(ApiToken token, String secret) {
    }

    private final TokenRepository repository;

    Tokens(TokenRepository repository) {
        this.repository = repository;
    }

    @Transactional
    public Issued issue(String name, Role role, OffsetDateTime expiresAt, String createdBy) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new InvalidFieldException("name", "must be 1 to 100 characters");
        }
        if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
            throw new InvalidFieldException("expires_at", "must lie in the future");
        }
        String secret = newSecret();
        return new Issued(repository.insert(UUID.randomUUID(), name.strip(), role, sha256(secret), createdBy, expiresAt),
                secret);
    }

    /** The caller a secret stands for, if it is one of our tokens and neither revoked nor expired. */
    public Optional<Caller> authenticate(String secret) {
        if (!isOurs(secret)) {
            return Optional.empty();
        }
        return repository.findActive(sha256(secret)).map(t -> new Caller(t.name(), t.role()));
    }

    /** Whether a bearer token is one of ours by its form (others may be an identity provider's JWTs). */
    static boolean isOurs(String secret) {
        return secret != null && secret.startsWith(PREFIX);
    }

    public List<ApiToken> list() {
        return repository.list();
    }

    /** Revokes at once; revoking a revoked token again is not an error (the first revocation stays). */
    @Transactional
    public ApiToken revoke(UUID id) {
        repository.find(id).orElseThrow(() -> new NotFoundException("Token", id));
        repository.revoke(id);
        return repository.find(id).orElseThrow();
    }

    /**
     * On a database without any token, issues an admin token and hands its secret to {@code keep}
     * before committing (if keeping it fails, no token is created). Several control planes starting
     * together create one.
     */
    @Transactional
    public Optional<ApiToken> bootstrapAdmin(Consumer<String> keep) {
        repository.lockForBootstrap();
        if (repository.any()) {
            return Optional.empty();
        }
        Issued issued = issue(BOOTSTRAP_NAME, Role.ADMIN, null, "first start");
        keep.accept(issued.secret());
        return Optional.of(issued.token());
    }

    private static String newSecret() {
        return PREFIX + SecretFiles.random();
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
