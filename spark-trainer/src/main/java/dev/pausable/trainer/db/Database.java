package dev.pausable.trainer.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JDBC connection, reopened when it breaks, with a retry deadline: the trainer needs PostgreSQL
 * only between epochs, so a brief outage (failover, restart) costs a wait, not the job.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** One unit of work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String url;
    private final Properties credentials;
    private final Duration retryDeadline;
    private Connection connection;

    public Database(String url, String user, String password, Duration retryDeadline) {
        this.url = url;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("connectTimeout", "10");
        credentials.setProperty("socketTimeout", "60");
        credentials.setProperty("ApplicationName", "pausable-trainer");
        this.retryDeadline = retryDeadline;
    }

    /** Runs {@code work} in a transaction, retrying on connection failures until the deadline. */
    public synchronized <T> T inTransaction(Work<T> work) {
        long deadline = System.nanoTime() + retryDeadline.toNanos();
        long backoffMillis = 200;
        while (true) {
            try {
                Connection c = connection();
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (!isConnectionFailure(e)) {
                    throw new IllegalStateException("Database operation failed: " + e.getMessage(), e);
                }
                closeQuietly();
                if (System.nanoTime() > deadline) {
                    throw new DatabaseUnavailableException("Database operation failed: PostgreSQL unreachable for "
                            + retryDeadline.toSeconds() + " s: " + e.getMessage(), e);
                }
                log.warn("PostgreSQL unreachable ({}); retrying in {} ms", e.getMessage(), backoffMillis);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, credentials);
            connection.setAutoCommit(false);
        }
        return connection;
    }

    /** A connection of its own, outside the retried transactions (e.g. to LISTEN), in autocommit mode. */
    Connection openDedicated(String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(credentials);
        properties.setProperty("ApplicationName", applicationName);
        // A LISTEN connection is idle for long: the socket timeout must not close it.
        properties.setProperty("socketTimeout", "0");
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken.
            }
            connection = null;
        }
    }

    /** SQLState class 08 is "connection exception"; 57P01..03 are server shutdown/crash. */
    static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; nothing was committed.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for PostgreSQL", e);
        }
    }
}
