package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for the end-to-end tests: s3proxy (filesystem backend) as its own process, with
 * throwaway credentials the control plane and its drivers take from the environment, as on a real
 * deployment. It can be frozen (SIGSTOP: connections are accepted by the kernel, nothing answers) and
 * thawed, the way an object store stalls.
 */
final class S3Server implements AutoCloseable {

    static final String BUCKET = "training";

    private final Path blobs;
    private final int port;
    private final String accessKey = "e2e-" + UUID.randomUUID();
    private final String secretKey = UUID.randomUUID().toString();
    private Process process;

    private S3Server(Path root, int port) {
        this.blobs = root.resolve("blobs");
        this.port = port;
    }

    /** Starts s3proxy storing under {@code root}; returns once it answers on its port. */
    static S3Server start(Path root) throws Exception {
        S3Server server = new S3Server(root, ControlPlaneProcess.freePort());
        Files.createDirectories(server.blobs.resolve(BUCKET));
        Path properties = root.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + server.port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + server.accessKey,
                "s3proxy.credential=" + server.secretKey,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + server.blobs));
        Path log = root.resolve("s3proxy.log");
        server.process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", ControlPlaneProcess.path("s3proxyJar").toString(),
                "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Await.until("s3proxy answers (" + log + ")", Duration.ofMinutes(1), () -> {
            assertThat(server.process.isAlive()).as("s3proxy running; see " + log).isTrue();
            try (Socket ignored = new Socket("127.0.0.1", server.port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return server;
    }

    /** The credentials, as s3a (in every driver) and the control plane's S3 client take them. */
    Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey);
    }

    /**
     * Control plane settings: datasets and checkpoints in the bucket, and bounded s3a settings pointed
     * at this server: tighter than conf/spark-defaults.conf (one attempt, 4 s socket timeout), so a
     * request to a frozen server fails within seconds instead of riding out a 30 s freeze in retries.
     */
    List<String> controlPlaneArgs() {
        return List.of(
                "--pausable.spark.checkpoint-root=s3a://" + BUCKET + "/checkpoints",
                "--pausable.spark.dataset-root=s3a://" + BUCKET + "/datasets",
                s3a("endpoint", "http://127.0.0.1:" + port),
                s3a("path.style.access", "true"),
                s3a("connection.ssl.enabled", "false"),
                s3a("change.detection.mode", "client"),
                s3a("attempts.maximum", "1"),
                s3a("retry.limit", "1"),
                s3a("retry.interval", "500ms"),
                s3a("retry.throttle.limit", "1"),
                s3a("connection.establish.timeout", "4000"),
                s3a("connection.timeout", "4000"),
                s3a("bucket.probe", "0"),
                s3a("directory.marker.retention", "keep"));
    }

    private static String s3a(String key, String value) {
        return "--pausable.spark.conf[spark.hadoop.fs.s3a." + key + "]=" + value;
    }

    /** Where the filesystem backend keeps the object an {@code s3a://} URI names. */
    Path file(String uri) {
        URI parsed = URI.create(uri);
        assertThat(parsed.getScheme()).isEqualTo("s3a");
        return blobs.resolve(parsed.getHost()).resolve(parsed.getPath().substring(1));
    }

    /** SIGSTOP: the server holds its connections and answers nothing until {@link #thaw()}. */
    void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT. */
    void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + name + " s3proxy").isZero();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            thaw();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
