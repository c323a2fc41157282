package dev.pausable.controlplane.auth;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A token as {@code GET /v1/tokens} shows it: everything but the secret, which is never stored. */
public record ApiToken(UUID id, String name, Role role, String createdBy, OffsetDateTime createdAt,
                       OffsetDateTime expiresAt, OffsetDateTime revokedAt) {

    public boolean activeAt(OffsetDateTime now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
