package dev.pausable.controlplane.db;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs, once the schema is migrated and the API is up, the one line scripts read to reach the
 * database: {@code DB: jdbc:postgresql://host:port/db?user=name} (never a password), and, for the
 * embedded database, the file that holds that user's password.
 */
@Component
class DatabaseAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(DatabaseAnnouncer.class);

    private final DataSource dataSource;
    private final ObjectProvider<EmbeddedDatabaseProperties> embedded;

    DatabaseAnnouncer(DataSource dataSource, ObjectProvider<EmbeddedDatabaseProperties> embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    @EventListener(ApplicationReadyEvent.class)
    void announce() {
        if (dataSource instanceof HikariDataSource hikari) {
            log.info("DB: {}", describe(hikari.getJdbcUrl(), hikari.getUsername()));
            embedded.ifAvailable(database -> log.info("DB password of '{}': in {} (readable only by this user)",
                    hikari.getUsername(), database.adminPasswordFile()));
        }
    }

    static String describe(String jdbcUrl, String user) {
        String url = jdbcUrl.replaceAll("([?&])password=[^&]*&?", "$1").replaceAll("[?&]$", "");
        if (user == null || user.isBlank() || url.contains("user=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "user=" + user;
    }
}
