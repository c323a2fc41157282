package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's Test 1 through the REST API only, against real processes: the control plane jar on
 * its embedded PostgreSQL, submitting the trainer jar with spark-submit from the SPARK_HOME built
 * from Maven Central, Spark local[2], checkpoints on the local file system.
 */
class PauseResumeEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Process controlPlane;
    private static String api;
    private static Path work;

    @BeforeAll
    static void startControlPlane() throws Exception {
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e")), "run").toAbsolutePath();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        api = "http://127.0.0.1:" + port;
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", path("controlPlaneJar").toString(),
                "--server.port=" + port,
                "--pausable.embedded-db.directory=" + work.resolve("postgres"),
                "--pausable.spark.home=" + path("sparkHome"),
                "--pausable.spark.trainer-jar=" + path("trainerJar"),
                "--pausable.spark.master=local[2]",
                "--pausable.spark.checkpoint-root=" + work.resolve("checkpoints"),
                "--pausable.spark.dataset-root=" + work.resolve("datasets"),
                "--pausable.spark.log-directory=" + work.resolve("spark-logs"),
                "--pausable.spark.conf[spark.ui.enabled]=false",
                "--pausable.spark.conf[spark.driver.host]=127.0.0.1",
                "--pausable.spark.conf[spark.driver.extraJavaOptions]=-Dorg.bytedeco.javacpp.cachedir="
                        + work.resolve("javacpp"))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("control-plane.log").toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        controlPlane = builder.start();
        Await.until("control plane up", Duration.ofSeconds(120), () -> {
            assertThat(controlPlane.isAlive()).as("control plane running; see " + work.resolve("control-plane.log"))
                    .isTrue();
            try {
                return get("/actuator/health").path("status").asText().equals("UP");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.destroy();
            if (!controlPlane.waitFor(60, TimeUnit.SECONDS)) {
                controlPlane.destroyForcibly();
            }
        }
    }

    @Test
    void test1CreateRunPauseResumeComplete() throws Exception {
        JsonNode synthetic = post("/v1/training/jobs", """
                {"job_name": "rss", "job_type": "synthetic_data",
                 "config": {"num_samples": 12000, "seed": 3, "num_receivers": 8, "partitions": 2}}""", 201);
        JsonNode generated = awaitJob(synthetic.get("id").asText(), "completed", Duration.ofMinutes(3));
        String dataset = generated.get("dataset_id").asText();

        JsonNode created = post("/v1/training/jobs", """
                {"job_name": "Pause Resume Test",
                 "config": {"dataset_id": "%s", "epochs": 30, "batch_size": 32, "learning_rate": 0.001,
                            "seed": 11, "workers": 2, "hidden_layers": [64, 64]}}""".formatted(dataset), 201);
        String id = created.get("id").asText();
        awaitJob(id, j -> j.get("status").asText().equals("running") && j.get("current_epoch").asInt() >= 2,
                "running at epoch >= 2", Duration.ofMinutes(3));

        JsonNode pausing = post("/v1/training/jobs/" + id + "/pause", null, 202);
        assertThat(pausing.get("status").asText()).isEqualTo("pausing");
        assertThat(pausing.get("message").asText()).isEqualTo("Training will pause after completing the current epoch");

        JsonNode paused = awaitJob(id, "paused", Duration.ofMinutes(2));
        int pausedEpoch = paused.get("pause_checkpoint_epoch").asInt();
        assertThat(pausedEpoch).isEqualTo(paused.get("current_epoch").asInt()).isLessThan(30);
        Path checkpoint = Path.of(URI.create(paused.get("pause_checkpoint_path").asText()));
        assertThat(checkpoint).exists();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(checkpoint))))
                .isEqualTo(paused.get("pause_checkpoint_sha256").asText());

        JsonNode resumed = post("/v1/training/jobs/" + id + "/resume", null, 202);
        assertThat(resumed.get("status").asText()).isEqualTo("queued");
        assertThat(resumed.get("submission_id").asText()).endsWith("-a2");
        assertThat(resumed.get("message").asText()).isEqualTo("Training resumed from epoch " + pausedEpoch);

        JsonNode completed = awaitJob(id, "completed", Duration.ofMinutes(5));
        assertThat(completed.get("attempt").asInt()).isEqualTo(2);
        assertThat(completed.get("current_epoch").asInt()).isEqualTo(30);
        assertThat(completed.get("pause_checkpoint_path").isNull()).isTrue();

        List<JsonNode> metrics = list(get("/v1/training/jobs/" + id + "/metrics").get("metrics"));
        assertThat(metrics).extracting(m -> m.get("epoch").asInt()).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList());
        JsonNode firstResumed = metrics.get(pausedEpoch);
        assertThat(firstResumed.get("epoch").asInt()).isEqualTo(pausedEpoch + 1);
        assertThat(firstResumed.get("attempt").asInt()).isEqualTo(2);
        List<String> trail = list(get("/v1/training/jobs/" + id + "/events").get("events")).stream()
                .filter(e -> e.get("event_type").asText().equals("status"))
                .map(e -> e.get("to_value").asText()).toList();
        assertThat(trail).containsSubsequence("queued", "running", "pausing", "paused", "queued", "running",
                "completed");
    }

    private static JsonNode awaitJob(String id, String status, Duration deadline) throws Exception {
        return awaitJob(id, j -> {
            assertThat(j.get("status").asText()).as("job " + id + ": " + j.path("error_message").asText())
                    .isNotIn("failed", "cancelled");
            return j.get("status").asText().equals(status);
        }, status, deadline);
    }

    private static JsonNode awaitJob(String id, Predicate<JsonNode> done, String what, Duration deadline)
            throws Exception {
        JsonNode[] last = new JsonNode[1];
        Await.until(what, deadline, () -> {
            try {
                last[0] = get("/v1/training/jobs/" + id);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThat(last[0].get("status").asText()).as(last[0].path("error_message").asText()).isNotEqualTo("failed");
            return done.test(last[0]);
        });
        return last[0];
    }

    private static JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(api + path)).GET().build(), 200);
    }

    private static JsonNode post(String path, String body, int expected) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .header("X-Actor", "e2e")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), expected);
    }

    private static JsonNode send(HttpRequest request, int expected) throws IOException {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new java.util.ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static Path path(String property) {
        Path path = Path.of(System.getProperty(property)).toAbsolutePath().normalize();
        assertThat(path).exists();
        return path;
    }
}
