package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The control plane's REST API as a script or CI job uses it: JSON over HTTP, nothing else. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    /** Sent as {@code Authorization: Bearer <token>}; null until the control plane has issued one. */
    private volatile String token;

    Api(String base) {
        this.base = base;
    }

    /** Calls from now on as the principal of this token. */
    Api as(String token) {
        this.token = token;
        return this;
    }

    String base() {
        return base;
    }

    JsonNode get(String path) throws IOException {
        return send(authorized(HttpRequest.newBuilder(URI.create(base + path))).GET().build(), 200);
    }

    JsonNode post(String path, String body, int expected) throws IOException {
        return send(authorized(HttpRequest.newBuilder(URI.create(base + path))).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), expected);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    boolean healthy() {
        try {
            return get("/actuator/health").path("status").asText().equals("UP");
        } catch (IOException | AssertionError e) {
            return false;
        }
    }

    JsonNode job(String id) throws IOException {
        return get("/v1/training/jobs/" + id);
    }

    JsonNode pause(String id) throws IOException {
        return post("/v1/training/jobs/" + id + "/pause", null, 202);
    }

    /** A pause at {@code at}: "epoch" (the seed's boundary) or "round" (the next averaging round). */
    JsonNode pause(String id, String at) throws IOException {
        return post("/v1/training/jobs/" + id + "/pause?at=" + at, null, 202);
    }

    JsonNode resume(String id) throws IOException {
        return post("/v1/training/jobs/" + id + "/resume", null, 202);
    }

    /** Generates a synthetic dataset through the API and returns its id. */
    String syntheticDataset(int rows, long seed) throws Exception {
        JsonNode job = post("/v1/training/jobs", """
                {"job_name": "rss-%d", "job_type": "synthetic_data",
                 "config": {"num_samples": %d, "seed": %d, "num_receivers": 8, "partitions": 2}}"""
                .formatted(rows, rows, seed), 201);
        return awaitStatus(job.get("id").asText(), "completed", Duration.ofMinutes(3)).get("dataset_id").asText();
    }

    /** A small training job: [32, 32] Adam on 2 workers; {@code extra} adds config fields. */
    String train(String dataset, String name, int epochs, long seed, String extra) throws IOException {
        return post("/v1/training/jobs", """
                {"job_name": "%s",
                 "config": {"dataset_id": "%s", "epochs": %d, "batch_size": 32, "learning_rate": 0.001,
                            "seed": %d, "workers": 2, "hidden_layers": [32, 32]%s}}"""
                .formatted(name, dataset, epochs, seed, extra.isEmpty() ? "" : ", " + extra), 201)
                .get("id").asText();
    }

    /** Waits for a status; failing or being cancelled on the way fails the test with the job's error. */
    JsonNode awaitStatus(String id, String status, Duration deadline) throws Exception {
        return await(id, j -> {
            assertThat(j.get("status").asText()).as("job " + id + ": " + j.path("error_message").asText())
                    .isNotIn("failed", "cancelled");
            return j.get("status").asText().equals(status);
        }, status, deadline);
    }

    JsonNode await(String id, Predicate<JsonNode> done, String what, Duration deadline) throws Exception {
        JsonNode[] last = new JsonNode[1];
        Await.until("job " + id + " " + what, deadline, () -> {
            last[0] = job(id);
            return done.test(last[0]);
        });
        return last[0];
    }

    /** Waits until the job runs with at least {@code epochs} epochs done, and returns it. */
    JsonNode awaitRunningAtEpoch(String id, int epochs, Duration deadline) throws Exception {
        return await(id, j -> {
            assertThat(j.get("status").asText()).as(j.path("error_message").asText()).isNotIn("failed", "cancelled");
            return j.get("status").asText().equals("running") && j.get("current_epoch").asInt() >= epochs;
        }, "running at epoch >= " + epochs, deadline);
    }

    List<JsonNode> metrics(String id) throws IOException {
        return list(get("/v1/training/jobs/" + id + "/metrics").get("metrics"));
    }

    List<JsonNode> events(String id) throws IOException {
        return list(get("/v1/training/jobs/" + id + "/events").get("events"));
    }

    List<JsonNode> checkpoints(String id) throws IOException {
        return list(get("/v1/training/jobs/" + id + "/checkpoints").get("checkpoints"));
    }

    /** The statuses the audit trail recorded, in order. */
    List<String> statusTrail(String id) throws IOException {
        return events(id).stream().filter(e -> e.get("event_type").asText().equals("status"))
                .map(e -> e.get("to_value").asText()).toList();
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static JsonNode send(HttpRequest request, int expected) throws IOException {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(request.method() + " " + request.uri() + ": " + response.body())
                    .isEqualTo(expected);
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
