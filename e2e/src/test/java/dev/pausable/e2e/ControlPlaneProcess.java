package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane jar as its own process, on its embedded PostgreSQL under a work directory, with
 * spark-submit from the SPARK_HOME built from Maven Central and the trainer jar. Starting it twice on
 * the same work directory and ports is a control-plane restart.
 */
final class ControlPlaneProcess implements AutoCloseable {

    /**
     * Drivers report their round every 250 ms (the trainer's default is 1 s): a test that acts at a round
     * it has seen then acts within a quarter second of it.
     */
    static final String FREQUENT_ROUND_REPORTS = "--pausable.spark.conf[spark.pausable.roundReportMillis]=250";

    private static final Pattern DB_LINE = Pattern.compile("DB: (jdbc:postgresql://\\S+)");

    final Path work;
    final int port;
    final int databasePort;
    final Api api;
    private final List<String> extraArgs;
    private final Map<String, String> environment;
    private Process process;
    private Path log;

    private ControlPlaneProcess(Path work, int port, int databasePort, List<String> extraArgs,
                                Map<String, String> environment) {
        this.work = work;
        this.extraArgs = List.copyOf(extraArgs);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.databasePort = databasePort;
        this.api = new Api("http://127.0.0.1:" + port);
    }

    /** A new work directory under target/e2e; {@code extraArgs} are more --name=value settings. */
    static ControlPlaneProcess create(String name, String... extraArgs) throws IOException {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e")), name)
                .toAbsolutePath();
        return new ControlPlaneProcess(work, freePort(), freePort(), List.of(extraArgs), Map.of());
    }

    /** The same control plane with its datasets and checkpoints on a real S3 server. */
    ControlPlaneProcess on(S3Server s3) {
        List<String> args = new ArrayList<>(extraArgs);
        args.addAll(s3.controlPlaneArgs());
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(s3.environment());
        return new ControlPlaneProcess(work, port, databasePort, args, env);
    }

    ControlPlaneProcess start() throws Exception {
        // Numbered per work directory, so a restart (withArgs) keeps the previous run's log.
        long earlier;
        try (var logs = Files.list(work)) {
            earlier = logs.filter(f -> f.getFileName().toString().startsWith("control-plane-")).count();
        }
        log = work.resolve("control-plane-" + (earlier + 1) + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", path("controlPlaneJar").toString(),
                "--server.port=" + port,
                "--pausable.embedded-db.directory=" + work.resolve("postgres"),
                "--pausable.embedded-db.port=" + databasePort,
                "--pausable.auth.admin-token-file=" + adminTokenFile(),
                "--pausable.spark.home=" + sparkHome(),
                "--pausable.spark.trainer-jar=" + path("trainerJar"),
                "--pausable.spark.checkpoint-root=" + work.resolve("checkpoints"),
                "--pausable.spark.dataset-root=" + work.resolve("datasets"),
                "--pausable.spark.log-directory=" + work.resolve("spark-logs"),
                "--pausable.spark.conf[spark.ui.enabled]=false",
                "--pausable.spark.conf[spark.driver.host]=127.0.0.1",
                "--pausable.spark.conf[spark.driver.extraJavaOptions]=-XX:TieredStopAtLevel=1"
                        + " -Dorg.bytedeco.javacpp.cachedir=" + javacppCache()));
        // A setting given again replaces the default (Spring would join the two values).
        command.removeIf(arg -> arg.startsWith("--") && extraArgs.stream().anyMatch(extra -> extra.startsWith(
                arg.substring(0, arg.indexOf('=') + 1))));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(environment);
        process = builder.start();
        Await.until("control plane up (" + log + ")", Duration.ofMinutes(2), () -> {
            assertThat(process.isAlive()).as("control plane running; see " + log).isTrue();
            return api.healthy();
        });
        // The tests act as an operator, as a team's CI would; the first start's admin token issues it.
        Await.until("the first start's admin token", Duration.ofSeconds(60), () -> Files.exists(adminTokenFile()));
        api.as(Files.readString(adminTokenFile()).strip()).as(api.post("/v1/tokens", "{\"name\": \"e2e\", \"role\": \"operator\"}", 201)
                .get("token").asText());
        return this;
    }

    /**
     * ND4J's native libraries, extracted from the trainer jar once for every test of the run (about 400 MB
     * each time; JavaCPP locks the directory while it extracts).
     */
    private Path javacppCache() {
        return work.getParent().resolve("javacpp");
    }

    Path adminTokenFile() {
        return work.resolve("admin-token");
    }

    /** The same control plane (work directory, ports) with more settings, for the next start. */
    ControlPlaneProcess withArgs(String... more) throws IOException {
        List<String> args = new ArrayList<>(extraArgs);
        args.addAll(List.of(more));
        return new ControlPlaneProcess(work, port, databasePort, args, environment);
    }

    /**
     * A second control plane on this one's work directory (roots, admin token) and settings, serving the
     * API on a port of its own: with an external database, the two share every job.
     */
    ControlPlaneProcess another() throws IOException {
        return new ControlPlaneProcess(work, freePort(), databasePort, extraArgs, environment);
    }

    /** The lines this control plane has logged so far. */
    List<String> logLines() throws IOException {
        return Files.readAllLines(log);
    }

    /** SIGTERM, as an operator or a service manager stops it; its embedded PostgreSQL stops with it. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGKILL: no shutdown at all, as a crashed host or the OOM killer ends it. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** The JDBC URL the control plane announced on its {@code DB:} line, with the password from its file. */
    String jdbcUrl() throws IOException {
        Matcher matcher = DB_LINE.matcher(log());
        assertThat(matcher.find()).as("DB: line in " + log).isTrue();
        return matcher.group(1) + "&password=" + Files.readString(work.resolve("postgres").resolve("postgres.password")).strip();
    }

    static Path sparkHome() {
        return path("sparkHome");
    }

    static Path path(String property) {
        Path path = Path.of(System.getProperty(property)).toAbsolutePath().normalize();
        assertThat(path).exists();
        return path;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
