package dev.pausable.controlplane.auth;

import dev.pausable.controlplane.web.InvalidFieldException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Token management, for admins (the security filter chain admits no one else). */
@RestController
@RequestMapping("/v1/tokens")
class TokensController {

    private final Tokens tokens;

    TokensController(Tokens tokens) {
        this.tokens = tokens;
    }

    record CreateTokenRequest(String name, String role, OffsetDateTime expiresAt) {
    }

    /** The token as listed, plus its secret: shown in this response only. */
    record CreatedToken(UUID id, String name, Role role, String createdBy, OffsetDateTime createdAt,
                        OffsetDateTime expiresAt, String token) {
    }

    @PostMapping
    ResponseEntity<CreatedToken> create(@RequestBody CreateTokenRequest request) {
        Role role;
        try {
            role = Role.fromWire(request.role());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("role", "must be one of " + Arrays.stream(Role.values()).map(Role::wire).toList());
        }
        Tokens.Issued issued = tokens.issue(request.name(), role, request.expiresAt(), Caller.current().name());
        ApiToken token = issued.token();
        return ResponseEntity.created(URI.create("/v1/tokens/" + token.id())).body(new CreatedToken(token.id(),
                token.name(), token.role(), token.createdBy(), token.createdAt(), token.expiresAt(), issued.secret()));
    }

    @GetMapping
    Map<String, List<ApiToken>> list() {
        return Map.of("tokens", tokens.list());
    }

    @DeleteMapping("/{id}")
    ApiToken revoke(@PathVariable UUID id) {
        return tokens.revoke(id);
    }
}
