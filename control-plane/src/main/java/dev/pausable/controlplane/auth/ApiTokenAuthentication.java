package dev.pausable.controlplane.auth;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Authenticates our API tokens; other bearer tokens are left to the next provider (the identity
 * provider's JWTs, when configured).
 */
final class ApiTokenAuthentication implements AuthenticationProvider {

    private final Tokens tokens;

    ApiTokenAuthentication(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String secret = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (!Tokens.isOurs(secret)) {
            return null;
        }
        return tokens.authenticate(secret).map(CallerAuthentication::new)
                .orElseThrow(() -> new InvalidBearerTokenException(ProblemResponses.BAD_TOKEN));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
