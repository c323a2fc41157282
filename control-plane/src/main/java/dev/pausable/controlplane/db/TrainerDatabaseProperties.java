package dev.pausable.controlplane.db;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The database account trainers use: never the control plane's own.
 *
 * @param username {@code pausable_trainer} (created by the migrations), or a login role that is a member of it
 * @param password its password (e.g. {@code PAUSABLE_TRAINER_DB_PASSWORD}); for the embedded database one is
 *                 generated when none is given. The control plane sets it on the role when it has the right to.
 */
@ConfigurationProperties("pausable.trainer-db")
public record TrainerDatabaseProperties(@DefaultValue(TrainerAccount.GROUP_ROLE) String username, String password) {

    @Override
    public String toString() {
        return "TrainerDatabaseProperties[username=" + username + ", password=" + (password == null ? null : "***") + "]";
    }
}
