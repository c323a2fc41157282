package dev.pausable.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever a caller sends — any method, path, parameter, body or credential, as jqwik
 * generates them — the API answers with success or a 4xx problem document, never a 5xx, and a
 * refused request changes nothing in the database.
 */
class RandomRequestsIT extends ApiITBase {

    private static final int REQUESTS = Integer.getInteger("randomRequests", 1500);

    record Request(String caller, String method, String path, String body) {
    }

    @Test
    void anyRequestIsAnsweredWithSuccessOrAProblemAndARefusalChangesNothing() {
        UUID dataset = registerDataset();
        UUID running = createTrainingJob(dataset, 5);
        forceStatus(running, "running");
        UUID paused = createTrainingJob(dataset, 5);
        forceStatus(paused, "running");
        commitPause(paused, 2);
        List<String> ids = List.of(running.toString(), paused.toString(), dataset.toString());
        Http viewer = as("viewer", Role.VIEWER);
        Http admin = as("admin", Role.ADMIN);
        int[] submissions = {launcher.submissions().size()};

        requests(ids).sampleStream().limit(REQUESTS).forEach(request -> {
            Http client = switch (request.caller()) {
                case "viewer" -> viewer;
                case "operator" -> http;
                case "admin" -> admin;
                case "none" -> new Http(port(), null);
                default -> Http.withAuthorization(port(), request.caller());
            };
            String before = databaseSnapshot();
            Http.Response response = client.send(request.method(), request.path(), request.body());
            String what = request + " -> " + response.status() + " " + response.raw();
            assertThat(response.status()).as(what).isLessThan(500);
            if (startsASubmission(request, response.status())) {
                submissions[0]++;
                // Submissions run after the commit, on the launcher's thread: let them finish before the
                // next request, whose refusal must change nothing.
                Await.until("submission " + submissions[0] + " recorded", Duration.ofSeconds(10),
                        () -> launcher.submissions().size() == submissions[0] && pendingJobs() == 0);
            }
            if (response.status() >= 400) {
                assertThat(response.contentType()).as(what).startsWith("application/problem+json");
                assertThat(databaseSnapshot()).as("refused, so unchanged: " + what).isEqualTo(before);
            }
        });
    }

    /** An accepted create or resume: the launcher submits the job after the response. */
    private static boolean startsASubmission(Request request, int status) {
        return request.method().equals("POST") && (status == 201 && request.path().equals("/v1/training/jobs")
                || status == 202 && request.path().endsWith("/resume"));
    }

    /** A created job stays PENDING until the launcher's submission is recorded (then QUEUED). */
    private int pendingJobs() {
        return sql.sql("SELECT count(*) FROM training_jobs WHERE status = 'pending'").query(Integer.class).single();
    }

    private static Arbitrary<Request> requests(List<String> ids) {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.of(ids), Arbitraries.create(() -> UUID.randomUUID().toString()),
                text(40).map(RandomRequestsIT::encode));
        Arbitrary<String> parameter = Arbitraries.oneOf(text(20), Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("epoch", "round", "all", "latest", "running", "paused", "training", "synthetic_data"))
                .map(RandomRequestsIT::encode);
        Arbitrary<String> path = Combinators.combine(Arbitraries.of(
                        "/v1/training/jobs", "/v1/training/jobs/{id}", "/v1/training/jobs/{id}/pause",
                        "/v1/training/jobs/{id}/pause?at={p}", "/v1/training/jobs/{id}/resume",
                        "/v1/training/jobs/{id}/cancel", "/v1/training/jobs/{id}/metrics?attempts={p}",
                        "/v1/training/jobs/{id}/events", "/v1/training/jobs/{id}/checkpoints",
                        "/v1/training/jobs/{id}/rounds", "/v1/training/jobs?status={p}&job_type={p}&limit={p}&offset={p}",
                        "/v1/datasets", "/v1/datasets/{id}", "/v1/datasets?limit={p}", "/v1/tokens", "/v1/tokens/{id}",
                        "/v1/me", "/v1/vocabulary", "/v1/{p}"), id, parameter)
                .as((template, i, p) -> template.replace("{id}", i).replace("{p}", p));
        Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.just(null), text(200), jsonBody(ids));
        // Any Authorization header a client might send: nothing, a role's token, or printable garbage.
        Arbitrary<String> caller = Arbitraries.oneOf(Arbitraries.of("none", "viewer", "operator", "admin"),
                Arbitraries.of("Bearer", "Bearer ", "Bearer pt_", "Basic YWRtaW46YWRtaW4=", "bearer pt_x", "Bearer a b"),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(80)
                        .filter(s -> !s.isBlank() && !List.of("none", "viewer", "operator", "admin").contains(s)));
        return Combinators.combine(caller,
                        Arbitraries.of("GET", "POST", "POST", "POST", "DELETE", "PUT", "PATCH"), path, body)
                .as(Request::new);
    }

    /** Bodies shaped like the API's requests, with any value of any type in any field. */
    private static Arbitrary<String> jsonBody(List<String> ids) {
        Arbitrary<String> value = Arbitraries.oneOf(
                text(30).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("null", "true", "[]", "{}", "[1, \"a\"]", "\"" + ids.get(2) + "\"", "-1", "0",
                        "1e308", "\"2027-01-01T00:00:00Z\"", "\"viewer\"", "\"operator\"", "\"admin\""));
        Arbitrary<String> field = Arbitraries.of("job_name", "job_type", "config", "spark_conf", "name", "uri", "role",
                "expires_at", "feature_columns", "label_columns", "num_samples", "task", "unknown");
        Arbitrary<String> configField = Arbitraries.of("dataset_id", "epochs", "batch_size", "learning_rate", "seed",
                "workers", "hidden_layers", "optimizer", "lr_schedule", "num_samples", "output_uri", "max_restarts");
        Arbitrary<String> config = Combinators.combine(configField.list().ofMaxSize(6), value.list().ofSize(6))
                .as(RandomRequestsIT::object);
        return Combinators.combine(field.list().ofMaxSize(5), Arbitraries.oneOf(value, config).list().ofSize(5))
                .as(RandomRequestsIT::object);
    }

    /** A JSON object of the first {@code names.size()} values (names may repeat: JSON allows it, parsers differ). */
    private static String object(List<String> names, List<String> values) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append("\": ").append(values.get(i));
        }
        return json.append('}').toString();
    }

    private static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings().all().ofMaxLength(maxLength)
                .withLengthDistribution(RandomDistribution.biased());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
