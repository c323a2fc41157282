package dev.pausable.controlplane.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A browser's request carries its token in the session cookie; from here on it is authenticated
 * like a script's, as if it had sent {@code Authorization: Bearer <token>}. Runs after the CSRF check,
 * which must see the request as the browser sent it: the resource server exempts requests with a
 * bearer header from CSRF, and a cookie-authenticated change must not be exempt.
 */
final class SessionCookieAsBearer extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> token = byCookie(request) ? SessionCookie.read(request) : Optional.empty();
        chain.doFilter(token.<HttpServletRequest>map(t -> new WithBearer(request, t)).orElse(request), response);
    }

    /** A browser's request: authenticated by the session cookie, so a change needs the CSRF token. */
    static boolean byCookie(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.AUTHORIZATION) == null && SessionCookie.read(request).isPresent();
    }

    private static final class WithBearer extends HttpServletRequestWrapper {

        private final String authorization;

        WithBearer(HttpServletRequest request, String token) {
            super(request);
            this.authorization = "Bearer " + token;
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.AUTHORIZATION.equalsIgnoreCase(name) ? authorization : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.AUTHORIZATION.equalsIgnoreCase(name)
                    ? Collections.enumeration(java.util.List.of(authorization)) : super.getHeaders(name);
        }
    }
}
