package dev.pausable.controlplane.auth;

import java.util.Objects;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The authenticated principal of the current request: its name (the audit trail's actor and the
 * owner of the jobs it creates) and its role.
 */
public record Caller(String name, Role role) {

    public Caller {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    /** Admins act on every job; operators on the jobs they created. */
    public boolean mayManage(String owner) {
        return role == Role.ADMIN || (role == Role.OPERATOR && name.equals(owner));
    }

    /** The caller of this request, as the security filter chain authenticated it. */
    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("no authenticated caller on this request");
    }
}
