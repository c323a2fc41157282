package dev.pausable.controlplane.db;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The real PostgreSQL the control plane starts when no {@code spring.datasource.url} is set.
 *
 * @param directory    everything it writes: the cluster under {@code data/}, the server binaries under
 *                     {@code dist/}, and the generated passwords (see {@link #adminPasswordFile()})
 * @param port         loopback port; 0 picks a free one
 * @param database     database created for the control plane on first start
 * @param serverConfig extra postgresql.conf settings (e.g. {@code fsync: off} for throwaway test clusters)
 */
@ConfigurationProperties("pausable.embedded-db")
public record EmbeddedDatabaseProperties(
        @DefaultValue("data/postgres") Path directory,
        @DefaultValue("0") int port,
        @DefaultValue("pausable") String database,
        Map<String, String> serverConfig) {

    public EmbeddedDatabaseProperties {
        serverConfig = serverConfig == null ? Map.of() : Map.copyOf(serverConfig);
    }

    /** The password of the administrator ({@code postgres}): operators read it to reach the database with psql. */
    public Path adminPasswordFile() {
        return directory.resolve("postgres.password").toAbsolutePath().normalize();
    }

    /** The password of the trainers' role, unless {@code pausable.trainer-db.password} gives one. */
    public Path trainerPasswordFile() {
        return directory.resolve("trainer.password").toAbsolutePath().normalize();
    }
}
