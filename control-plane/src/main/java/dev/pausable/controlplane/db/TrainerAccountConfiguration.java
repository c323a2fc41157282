package dev.pausable.controlplane.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.pausable.controlplane.secret.SecretFiles;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Trainers connect as their own database role ({@link TrainerAccount#GROUP_ROLE}, whose rights the
 * migrations grant), never as the control plane. Once the schema is migrated, the control plane makes the
 * configured role able to log in with the configured password when it has the right to (it always has
 * on the embedded database), then proves a trainer can log in and holds the trainer's rights.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TrainerDatabaseProperties.class)
class TrainerAccountConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TrainerAccountConfiguration.class);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Bean
    @DependsOnDatabaseInitialization
    TrainerAccount trainerAccount(TrainerDatabaseProperties properties, DataSource dataSource,
                                  ObjectProvider<EmbeddedDatabaseProperties> embedded) throws SQLException {
        if (!(dataSource instanceof HikariDataSource hikari)) {
            throw new IllegalStateException("Cannot tell trainers where the database is: "
                    + dataSource.getClass().getName());
        }
        String password = properties.password();
        EmbeddedDatabaseProperties embeddedDatabase = embedded.getIfAvailable();
        if ((password == null || password.isEmpty()) && embeddedDatabase != null) {
            password = SecretFiles.readOrCreate(embeddedDatabase.trainerPasswordFile());
        }
        TrainerAccount account = new TrainerAccount(withoutCredentials(hikari.getJdbcUrl()), properties.username(),
                password);
        if (account.configured()) {
            enableLogin(dataSource, account);
            verify(account);
        }
        return account;
    }

    /** The control plane's URL minus any user or password parameter (the trainer's own are given apart). */
    static String withoutCredentials(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return jdbcUrl;
        }
        String kept = Arrays.stream(jdbcUrl.substring(query + 1).split("&"))
                .filter(parameter -> !parameter.startsWith("user=") && !parameter.startsWith("password="))
                .collect(Collectors.joining("&"));
        return jdbcUrl.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
    }

    private static void enableLogin(DataSource dataSource, TrainerAccount account) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + quoted(account.username()) + " WITH LOGIN");
            // Hashed here (SCRAM): the password itself never reaches the server or its statement log.
            connection.unwrap(PGConnection.class).alterUserPassword(account.username(),
                    account.password().toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            log.info("Trainers' database role '{}' is managed by the database administrator ({})",
                    account.username(), e.getMessage());
        }
    }

    private static void verify(TrainerAccount account) {
        try (Connection connection = DriverManager.getConnection(account.url(), account.username(), account.password());
             Statement statement = connection.createStatement();
             ResultSet member = statement.executeQuery(
                     "SELECT pg_has_role('" + TrainerAccount.GROUP_ROLE + "', 'MEMBER')")) {
            member.next();
            if (!member.getBoolean(1)) {
                throw new IllegalStateException("Trainers' database role '" + account.username()
                        + "' is not a member of " + TrainerAccount.GROUP_ROLE + ": GRANT " + TrainerAccount.GROUP_ROLE
                        + " TO " + account.username());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Trainers cannot log in to " + account.url() + " as '"
                    + account.username() + "': " + e.getMessage(), e);
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
