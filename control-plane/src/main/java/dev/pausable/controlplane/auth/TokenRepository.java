package dev.pausable.controlplane.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class TokenRepository {

    private final JdbcClient jdbc;

    TokenRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    ApiToken insert(UUID id, String name, Role role, byte[] secretSha256, String createdBy, OffsetDateTime expiresAt) {
        return jdbc.sql("""
                        INSERT INTO api_tokens (id, name, role, secret_sha256, created_by, expires_at)
                        VALUES (:id, :name, :role, :hash, :createdBy, :expiresAt)
                        RETURNING *""")
                .param("id", id).param("name", name).param("role", role.wire()).param("hash", secretSha256)
                .param("createdBy", createdBy).param("expiresAt", expiresAt)
                .query(TokenRepository::token).single();
    }

    /** The token with this secret if it is neither revoked nor expired, by the database's clock. */
    Optional<ApiToken> findActive(byte[] secretSha256) {
        return jdbc.sql("""
                        SELECT * FROM api_tokens WHERE secret_sha256 = :hash AND revoked_at IS NULL
                           AND (expires_at IS NULL OR expires_at > now())""")
                .param("hash", secretSha256).query(TokenRepository::token).optional();
    }

    List<ApiToken> list() {
        return jdbc.sql("SELECT * FROM api_tokens ORDER BY created_at, id").query(TokenRepository::token).list();
    }

    Optional<ApiToken> find(UUID id) {
        return jdbc.sql("SELECT * FROM api_tokens WHERE id = :id").param("id", id)
                .query(TokenRepository::token).optional();
    }

    /** Revokes the token unless it already is; true if this call revoked it. */
    boolean revoke(UUID id) {
        return jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL")
                .param("id", id).update() == 1;
    }

    /** Serializes first starts of several control planes on one database (released at commit). */
    void lockForBootstrap() {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('pausable.api_tokens.bootstrap'))").query().singleRow();
    }

    boolean any() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM api_tokens)").query(Boolean.class).single();
    }

    private static ApiToken token(ResultSet rs, int row) throws SQLException {
        return new ApiToken(rs.getObject("id", UUID.class), rs.getString("name"), Role.fromWire(rs.getString("role")),
                rs.getString("created_by"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("expires_at", OffsetDateTime.class), rs.getObject("revoked_at", OffsetDateTime.class));
    }
}
