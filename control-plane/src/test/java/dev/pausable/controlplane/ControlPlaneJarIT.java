package dev.pausable.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.Http;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The contract scripts rely on: {@code java -jar control-plane.jar --server.port=P} with no database
 * configured starts a real PostgreSQL, logs one {@code DB:} line once migrations ran, serves the
 * API on 127.0.0.1:P, and stops everything on SIGTERM.
 */
class ControlPlaneJarIT {

    private static final Pattern DB_LINE =
            Pattern.compile("DB: (jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/(\\w+)\\?user=(\\w+))$");

    @Test
    void startsOnEmbeddedDefaultsAndAnnouncesTheDatabase() throws Exception {
        Path jar = Path.of(System.getProperty("controlPlaneJar", "target/control-plane.jar"));
        assertThat(jar).exists();
        Path work = Files.createDirectories(Path.of("target", "jar-it"));
        Path dataDir = Files.createTempDirectory(work, "data");
        int port = freePort();

        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString(),
                "--server.port=" + port, "--pausable.embedded-db.directory=" + dataDir.resolve("postgres"),
                "--pausable.auth.admin-token-file=" + dataDir.resolve("admin-token"))
                .redirectErrorStream(true)
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (Exception ignored) {
                // Process ended.
            }
        });
        pump.start();
        try {
            Matcher db = Await.until("the DB: line", Duration.ofSeconds(120), () -> {
                assertThat(process.isAlive()).as("control plane still running; output: %s", lines).isTrue();
                return lines.stream().map(DB_LINE::matcher).filter(Matcher::find).findFirst().orElse(null);
            });
            assertThat(lines).anyMatch(l -> l.contains("data directory: " + dataDir.resolve("postgres").toAbsolutePath()));

            // Every connection needs a password; the administrator's is in a file only this user reads.
            Path passwordFile = dataDir.resolve("postgres").resolve("postgres.password").toAbsolutePath();
            assertThat(lines).anyMatch(l -> l.contains("DB password of 'postgres': in " + passwordFile));
            String password = Files.readString(passwordFile).strip();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            assertThat(lines).noneMatch(l -> l.contains(password));
            assertThatThrownBy(() -> DriverManager.getConnection(db.group(1)).close())
                    .as("no password, no connection").isInstanceOf(SQLException.class);
            try (Connection connection = DriverManager.getConnection(db.group(1) + "&password=" + password);
                 ResultSet rs = connection.createStatement().executeQuery(
                         "SELECT count(*) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertThat(rs.getInt(1)).as("migrations ran before the line").isGreaterThanOrEqualTo(1);
            }
            // Trainers' own role: what a trainer does, nothing more.
            String trainerPassword = Files.readString(dataDir.resolve("postgres").resolve("trainer.password")).strip();
            try (Connection trainer = DriverManager.getConnection(
                    db.group(1).replace("user=postgres", "user=pausable_trainer") + "&password=" + trainerPassword)) {
                assertThat(trainer.createStatement().executeQuery("SELECT count(*) FROM training_jobs").next()).isTrue();
                for (String refused : List.of("SELECT * FROM api_tokens",
                        "UPDATE training_jobs SET desired_state = 'paused'", "UPDATE training_jobs SET owner = 'x'",
                        "DELETE FROM checkpoints", "CREATE TABLE mine (x int)")) {
                    assertThatThrownBy(() -> trainer.createStatement().execute(refused)).as(refused)
                            .isInstanceOfSatisfying(SQLException.class,
                                    e -> assertThat(e.getSQLState()).isEqualTo("42501"));
                }
            }

            // First start: an admin token in a file only this user reads; the log names the file, not the token.
            Path tokenFile = dataDir.resolve("admin-token").toAbsolutePath();
            Await.until("the admin token's file is named in the log", Duration.ofSeconds(60),
                    () -> lines.stream().anyMatch(l -> l.contains("its secret is in " + tokenFile)));
            String token = Files.readString(tokenFile).strip();
            assertThat(token).startsWith("pt_").hasSizeGreaterThanOrEqualTo(3 + 43);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            assertThat(lines).noneMatch(l -> l.contains(token));

            Http anonymous = new Http(port, null);
            assertThat(anonymous.get("/actuator/health").body().get("status").asString()).isEqualTo("UP");
            assertThat(anonymous.get("/actuator/health").body().has("components")).as("details need a principal").isFalse();
            assertThat(anonymous.get("/v1/training/jobs").status()).isEqualTo(401);
            assertThat(anonymous.get("/v1/training/jobs").detail()).isEqualTo(
                    "Authentication required: send 'Authorization: Bearer <token>'");

            Http http = new Http(port, token);
            assertThat(http.get("/actuator/health").body().has("components")).isTrue();
            Http.Response jobs = http.get("/v1/training/jobs");
            assertThat(jobs.status()).isEqualTo(200);
            assertThat(jobs.body().get("total").asInt()).isZero();
            // The dashboard, its chart library and the API description come from the jar itself.
            Http.Response dashboard = http.get("/");
            assertThat(dashboard.status()).isEqualTo(200);
            assertThat(dashboard.raw()).contains("<table id=\"jobs\">").contains("/js/jobs.js");
            assertThat(http.get("/jobs/" + java.util.UUID.randomUUID()).raw()).contains("id=\"loss-chart\"");
            assertThat(http.get("/webjars/uplot/dist/uPlot.iife.min.js").status()).isEqualTo(200);
            JsonNode openApi = http.get("/v3/api-docs").body();
            assertThat(openApi.get("paths").has("/v1/training/jobs/{id}/pause")).isTrue();
            assertThat(http.get("/swagger-ui/index.html").status()).isEqualTo(200);
            assertThat(http.get("/actuator/prometheus").raw()).contains("pausable_jobs{");
        } finally {
            process.destroy();
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            assertThat(exited).as("stops on SIGTERM").isTrue();
        }
        Await.until("embedded PostgreSQL stopped", Duration.ofSeconds(30),
                () -> !Files.exists(dataDir.resolve("postgres").resolve("data").resolve("postmaster.pid")));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
