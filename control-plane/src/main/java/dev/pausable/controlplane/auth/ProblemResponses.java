package dev.pausable.controlplane.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import dev.pausable.controlplane.web.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Refusals of the security filter chain, in the API's format: RFC 9457 problem details (401 without
 * valid credentials, 403 when the role does not allow the request, 400 for a request the firewall rejects,
 * e.g. a path with {@code //} or an encoded slash). A browser asking for a dashboard
 * page without a valid session goes to the sign-in page instead.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    static final String UNAUTHENTICATED = "Authentication required: send 'Authorization: Bearer <token>'";
    static final String BAD_TOKEN = "The bearer token is invalid, expired or revoked";
    static final String BAD_CSRF = "Missing or invalid CSRF token: send the XSRF-TOKEN cookie's value in the"
            + " X-XSRF-TOKEN header";

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException error)
            throws IOException {
        // Without credentials the filter chain reports them insufficient; anything else refused a token.
        boolean presented = !(error instanceof InsufficientAuthenticationException);
        if (isPage(request)) {
            if (SessionCookie.read(request).isPresent()) {
                SessionCookie.clear(request, response);
            }
            response.sendRedirect(SignIn.page(pathAndQuery(request), presented));
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, presented ? "Bearer error=\"invalid_token\"" : "Bearer");
        ProblemWriter.write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthorized",
                presented ? BAD_TOKEN : UNAUTHENTICATED);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException error)
            throws IOException {
        if (error instanceof CsrfException) {
            ProblemWriter.write(request, response, HttpStatus.FORBIDDEN, "csrf", "Forbidden", BAD_CSRF);
            return;
        }
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        String detail = authentication != null && authentication.getPrincipal() instanceof Caller caller
                ? "The " + caller.role().wire() + " role of '" + caller.name() + "' does not allow "
                        + request.getMethod() + " " + request.getRequestURI()
                : "Not allowed: " + request.getMethod() + " " + request.getRequestURI();
        ProblemWriter.write(request, response, HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException error)
            throws IOException {
        ProblemWriter.write(request, response, HttpStatus.BAD_REQUEST, "rejected", "Bad Request",
                "The request was rejected: " + error.getMessage());
    }

    /** A dashboard page a browser navigates to (not the API, the actuator or the event socket). */
    private static boolean isPage(HttpServletRequest request) {
        String path = request.getRequestURI();
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return "GET".equals(request.getMethod()) && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)
                && !path.startsWith("/v1/") && !path.startsWith("/actuator") && !path.equals("/ws");
    }

    private static String pathAndQuery(HttpServletRequest request) {
        return request.getQueryString() == null ? request.getRequestURI()
                : request.getRequestURI() + "?" + request.getQueryString();
    }
}
