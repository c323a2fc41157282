package dev.pausable.controlplane.auth;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * An identity provider's JWT as a {@link Caller}: the name from the configured claim (else
 * {@code sub}), the role from the role claim, a string or a list of strings (the highest role it
 * names). A JWT without a known role is refused: it proves who someone is, not what they may do.
 */
final class JwtCallers implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String nameClaim;
    private final String roleClaim;

    JwtCallers(AuthProperties properties) {
        this.nameClaim = properties.jwtNameClaim();
        this.roleClaim = properties.jwtRoleClaim();
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        String name = Optional.ofNullable(jwt.getClaimAsString(nameClaim)).filter(n -> !n.isBlank())
                .orElse(jwt.getSubject());
        Role role = roles(jwt.getClaims().get(roleClaim)).stream()
                .map(Role::find).flatMap(Optional::stream)
                .max(Enum::compareTo)
                .orElseThrow(() -> refused("the token's '" + roleClaim + "' claim names no role"));
        if (name == null || name.isBlank()) {
            throw refused("the token names no principal");
        }
        return new CallerAuthentication(new Caller(name, role));
    }

    private static List<String> roles(Object claim) {
        if (claim instanceof String single) {
            return List.of(single);
        }
        if (claim instanceof Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static OAuth2AuthenticationException refused(String why) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, why, null));
    }
}
