package dev.pausable.controlplane.auth;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication settings ({@code pausable.auth.*}). An identity provider's JWTs are accepted when
 * Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*} names its keys (issuer-uri,
 * jwk-set-uri or public-key-location).
 *
 * @param adminTokenFile where the first start writes the admin token it creates (readable only by this user)
 * @param jwtRoleClaim   the JWT claim holding the role (viewer, operator or admin; a list: the highest)
 * @param jwtNameClaim   the JWT claim naming the principal (else {@code sub})
 */
@ConfigurationProperties("pausable.auth")
public record AuthProperties(
        @DefaultValue("data/admin-token") Path adminTokenFile,
        @DefaultValue("pausable_role") String jwtRoleClaim,
        @DefaultValue("preferred_username") String jwtNameClaim) {
}
