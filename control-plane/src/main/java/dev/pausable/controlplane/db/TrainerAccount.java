package dev.pausable.controlplane.db;

/**
 * How trainers reach the database: the control plane's JDBC URL (without its credentials) and the
 * trainers' own role. {@code password} is null when none is configured for an external database.
 */
public record TrainerAccount(String url, String username, String password) {

    /** The role the migrations grant a trainer's rights to. */
    public static final String GROUP_ROLE = "pausable_trainer";

    public boolean configured() {
        return password != null && !password.isEmpty();
    }

    @Override
    public String toString() {
        return "TrainerAccount[" + url + " as " + username + "]";
    }
}
