package dev.pausable.controlplane.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's sign-in (a pasted token becomes the session cookie), sign-out, and
 * {@code GET /v1/me}: who the caller is, so the pages show only the actions its role allows.
 */
@RestController
class SignIn {

    private final AuthenticationManager bearer;

    SignIn(AuthenticationManager bearer) {
        this.bearer = bearer;
    }

    record Me(String name, String role) {
    }

    @GetMapping("/v1/me")
    Me me() {
        Caller caller = Caller.current();
        return new Me(caller.name(), caller.role().wire());
    }

    @PostMapping(path = "/sign-in", consumes = "application/x-www-form-urlencoded")
    ResponseEntity<Void> signIn(@RequestParam(defaultValue = "") String token,
                                @RequestParam(defaultValue = "/") String next,
                                HttpServletRequest request, HttpServletResponse response) {
        String target = local(next);
        return seeOther(SessionCookie.start(bearer, request, response, token.strip()) ? target : page(target, true));
    }

    @PostMapping("/sign-out")
    ResponseEntity<Void> signOut(HttpServletRequest request, HttpServletResponse response) {
        SessionCookie.clear(request, response);
        return ResponseEntity.noContent().build();
    }

    /** The sign-in page, returning to {@code next} afterwards; {@code refused}: say the token was not accepted. */
    static String page(String next, boolean refused) {
        return "/sign-in.html?next=" + URLEncoder.encode(local(next), StandardCharsets.UTF_8)
                + (refused ? "&refused" : "");
    }

    /** Only a path on this server: never an open redirect to another site. */
    private static String local(String next) {
        return next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\") ? next : "/";
    }

    private static ResponseEntity<Void> seeOther(String location) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, location).build();
    }
}
