package dev.pausable.trainer.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.trainer.TrainerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** PostgreSQL briefly unreachable: the trainer's writes wait and retry until a deadline. */
class DatabaseRetryIT {

    private final TrainerFixture fx = TrainerFixture.get();

    @Test
    void retriesThroughAnOutageShorterThanTheDeadline() throws Exception {
        try (FlakyProxy proxy = new FlakyProxy(postgresPort(), 3)) {
            Database db = new Database(proxy.jdbcUrl(), "postgres", null, Duration.ofSeconds(30));
            Integer answer = db.inTransaction(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT 42")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(answer).isEqualTo(42);
            assertThat(proxy.connections.get()).as("three refused, the fourth served").isEqualTo(4);
        }
    }

    @Test
    void givesUpAtTheDeadlineWithTheReason() throws Exception {
        try (FlakyProxy proxy = new FlakyProxy(postgresPort(), Integer.MAX_VALUE)) {
            Database db = new Database(proxy.jdbcUrl(), "postgres", null, Duration.ofSeconds(2));
            long started = System.nanoTime();
            assertThatThrownBy(() -> db.inTransaction(c -> c.createStatement().execute("SELECT 1")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Database operation failed");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2))
                    .isLessThan(Duration.ofSeconds(20));
            assertThat(proxy.connections.get()).isGreaterThan(1);
        }
    }

    @Test
    void doesNotRetryStatementErrors() {
        Database db = new Database(fx.jdbcUrlForTests(), "postgres", null, Duration.ofSeconds(30));
        long started = System.nanoTime();
        assertThatThrownBy(() -> db.inTransaction(c -> c.createStatement().execute("SELECT * FROM no_such_table")))
                .hasMessageContaining("no_such_table");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    private int postgresPort() {
        return URI.create(fx.jdbcUrlForTests().substring("jdbc:".length())).getPort();
    }

    /** Closes the first {@code refusals} connections at once (PostgreSQL "down"), then forwards bytes. */
    private static final class FlakyProxy implements AutoCloseable {

        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket server;
        private final Thread acceptor;

        FlakyProxy(int targetPort, int refusals) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        if (connections.incrementAndGet() <= refusals) {
                            client.close();
                            continue;
                        }
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                        pipe(client.getInputStream(), upstream.getOutputStream());
                        pipe(upstream.getInputStream(), client.getOutputStream());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "flaky-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/postgres";
        }

        private static void pipe(InputStream in, OutputStream out) {
            Thread thread = new Thread(() -> {
                try (in; out) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // Either side closed.
                }
            }, "flaky-proxy-pipe");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
