package dev.pausable.controlplane.auth;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * The dashboard's session: the bearer token in an HttpOnly, SameSite=Strict cookie that scripts
 * cannot read and other sites cannot send. It holds the token itself, so every control plane
 * behind a load balancer accepts it and revoking the token ends the session at once.
 */
final class SessionCookie {

    static final String NAME = "pausable_session";
    /** Spring Security's double-submit CSRF cookie, readable by the dashboard's scripts. */
    static final String CSRF_COOKIE = "XSRF-TOKEN";

    private SessionCookie() {
    }

    static Optional<String> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        return Arrays.stream(cookies).filter(c -> c.getName().equals(NAME)).map(Cookie::getValue)
                .filter(v -> !v.isBlank()).findFirst();
    }

    /** Starts a session for {@code token} if it authenticates (as a bearer token would); false if refused. */
    static boolean start(AuthenticationManager bearer, HttpServletRequest request, HttpServletResponse response,
                         String token) {
        try {
            bearer.authenticate(new BearerTokenAuthenticationToken(token));
        } catch (AuthenticationException e) {
            return false;
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, NAME, token, null).toString());
        return true;
    }

    static void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, NAME, "", Duration.ZERO).toString());
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(CSRF_COOKIE, "").path("/")
                .maxAge(Duration.ZERO).build().toString());
    }

    private static ResponseCookie cookie(HttpServletRequest request, String name, String value, Duration maxAge) {
        ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(name, value).httpOnly(true)
                .sameSite("Strict").secure(request.isSecure()).path("/");
        return (maxAge == null ? cookie : cookie.maxAge(maxAge)).build();
    }
}
