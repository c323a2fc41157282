package dev.pausable.controlplane.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Like Jupyter: a dashboard address with {@code ?token=<token>} (what the quickstart prints) signs the
 * browser in once. A valid token becomes the session cookie and the browser is sent to the same page
 * without it, so the token leaves the address bar and the history; an invalid one goes to sign-in.
 */
final class TokenInUrl extends OncePerRequestFilter {

    static final String PARAMETER = "token";

    private final AuthenticationManager bearer;

    TokenInUrl(AuthenticationManager bearer) {
        this.bearer = bearer;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"GET".equals(request.getMethod()) || request.getParameter(PARAMETER) == null
                || request.getRequestURI().startsWith("/v1/") || request.getRequestURI().startsWith("/actuator");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = request.getParameter(PARAMETER);
        String withoutToken = UriComponentsBuilder.fromPath(request.getRequestURI())
                .query(request.getQueryString()).replaceQueryParam(PARAMETER).build().toUriString();
        response.sendRedirect(SessionCookie.start(bearer, request, response, token)
                ? withoutToken : SignIn.page(withoutToken, true));
    }
}
