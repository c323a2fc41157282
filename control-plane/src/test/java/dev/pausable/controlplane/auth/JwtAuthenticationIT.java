package dev.pausable.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * An identity provider's JWTs as bearer tokens (Spring Security's resource server with the provider's
 * public key): the principal from {@code preferred_username}, the role from {@code pausable_role}.
 */
@TestPropertySource(properties = "spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
        + JwtAuthenticationIT.PUBLIC_KEY)
class JwtAuthenticationIT extends ApiITBase {

    static final String PUBLIC_KEY = "target/jwt-it/provider.pem";
    private static final KeyPair PROVIDER = keyPair();
    private static final KeyPair IMPOSTOR = keyPair();

    static {
        try {
            Files.createDirectories(Path.of(PUBLIC_KEY).getParent());
            Files.writeString(Path.of(PUBLIC_KEY), "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(PROVIDER.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aProvidersTokenActsAsItsPrincipalWithTheRoleItNames() {
        Http alice = bearer(jwt(PROVIDER.getPrivate(), Map.of("preferred_username", "alice",
                "pausable_role", List.of("viewer", "operator")), Instant.now().plusSeconds(300)));
        assertThat(alice.get("/v1/me").body().get("name").asString()).isEqualTo("alice");
        assertThat(alice.get("/v1/me").body().get("role").asString()).as("the highest role named").isEqualTo("operator");
        UUID job = createTrainingJob(alice, registerDataset(), 3, "");
        assertThat(sql.sql("SELECT owner FROM training_jobs WHERE id = :id").param("id", job).query(String.class)
                .single()).isEqualTo("alice");
        assertThat(alice.get("/v1/tokens").status()).as("operators manage no tokens").isEqualTo(403);
        // API tokens still work next to the provider's.
        assertThat(http.get("/v1/me").body().get("name").asString()).isEqualTo("tester");
    }

    @Test
    void aTokenWithoutARoleExpiredOrSignedByAnotherKeyIsRefused() {
        Instant later = Instant.now().plusSeconds(300);
        for (String refused : List.of(
                jwt(PROVIDER.getPrivate(), Map.of("preferred_username", "bob"), later),
                jwt(PROVIDER.getPrivate(), Map.of("preferred_username", "bob", "pausable_role", "superuser"), later),
                jwt(PROVIDER.getPrivate(), Map.of("preferred_username", "bob", "pausable_role", "admin"),
                        Instant.now().minusSeconds(120)),
                jwt(IMPOSTOR.getPrivate(), Map.of("preferred_username", "bob", "pausable_role", "admin"), later))) {
            Http.Response response = bearer(refused).get("/v1/me");
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.detail()).isEqualTo("The bearer token is invalid, expired or revoked");
        }
    }

    private Http bearer(String token) {
        return new Http(port(), token);
    }

    private static String jwt(PrivateKey key, Map<String, Object> claims, Instant expires) {
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().subject("sub-" + claims.getOrDefault("preferred_username", "x"))
                .issueTime(Date.from(Instant.now().minusSeconds(600))).expirationTime(Date.from(expires));
        claims.forEach(set::claim);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), set.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
