package dev.pausable.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Http;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every endpoint × every kind of caller: the status code, and that a refused request (401, 403)
 * changed nothing in the database. The job acted on is completed and owned by "owner", so an allowed
 * pause, resume or cancel answers with the seed's rule (400) and changes nothing either.
 */
class AuthorizationMatrixIT extends ApiITBase {

    enum Caller { NONE, BAD_TOKEN, REVOKED, EXPIRED, VIEWER, OTHER_OPERATOR, OWNER, ADMIN }

    /** The least a caller needs for an endpoint. */
    enum Needs { VIEWER, OPERATOR, OWNER, ADMIN }

    record Endpoint(String method, String path, String body, Needs needs) {

        boolean creates() {
            return method.equals("POST") && path.equals("/v1/training/jobs");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void everyEndpointAnswersEachCallerByItsRoleAndARefusalChangesNothing(Caller caller) {
        UUID dataset = registerDataset();
        Http owner = as("owner", Role.OPERATOR);
        UUID job = createTrainingJob(owner, dataset, 5, "");
        forceStatus(job, "completed");
        String victimToken = tokens.issue("victim", Role.VIEWER, null, "test").token().id().toString();
        Http client = client(caller);

        List<Endpoint> endpoints = endpoints(job, dataset, victimToken);
        SoftAssertions softly = new SoftAssertions();
        for (Endpoint endpoint : endpoints) {
            String before = databaseSnapshot();
            Http.Response response = client.send(endpoint.method(), endpoint.path(), endpoint.body());
            int expected = expected(caller, endpoint.needs());
            if (expected == 200) {
                softly.assertThat(response.status()).as(caller + " " + endpoint + ": " + response.raw())
                        .isNotIn(401, 403).isLessThan(500);
                if (endpoint.creates() && response.status() == 201) {
                    // Admission moves a new job on by itself; the next refusal's "changed nothing" must not see it.
                    queued(UUID.fromString(response.body().get("id").asString()));
                }
            } else {
                softly.assertThat(response.status()).as(caller + " " + endpoint + ": " + response.raw())
                        .isEqualTo(expected);
                softly.assertThat(response.contentType()).as(caller + " " + endpoint)
                        .isEqualTo("application/problem+json");
                softly.assertThat(databaseSnapshot()).as(caller + " " + endpoint + " changed nothing").isEqualTo(before);
            }
        }
        softly.assertAll();
    }

    private List<Endpoint> endpoints(UUID job, UUID dataset, String tokenId) {
        String jobs = "/v1/training/jobs";
        String newJob = """
                {"job_name": "m", "config": {"dataset_id": "%s", "epochs": 2, "batch_size": 16, "learning_rate": 0.01}}"""
                .formatted(dataset);
        String newDataset = Http.json(Map.of("name", "d", "uri", "file:///data/d", "feature_columns", List.of("a"),
                "label_columns", List.of("x")));
        List<Endpoint> all = new ArrayList<>(List.of(
                new Endpoint("GET", jobs, null, Needs.VIEWER),
                new Endpoint("GET", jobs + "/" + job, null, Needs.VIEWER),
                new Endpoint("GET", jobs + "/" + job + "/metrics", null, Needs.VIEWER),
                new Endpoint("GET", jobs + "/" + job + "/rounds", null, Needs.VIEWER),
                new Endpoint("GET", jobs + "/" + job + "/events", null, Needs.VIEWER),
                new Endpoint("GET", jobs + "/" + job + "/checkpoints", null, Needs.VIEWER),
                new Endpoint("GET", "/v1/datasets", null, Needs.VIEWER),
                new Endpoint("GET", "/v1/datasets/" + dataset, null, Needs.VIEWER),
                new Endpoint("GET", "/v1/vocabulary", null, Needs.VIEWER),
                new Endpoint("GET", "/v1/me", null, Needs.VIEWER),
                new Endpoint("GET", "/actuator/prometheus", null, Needs.VIEWER),
                new Endpoint("GET", "/v3/api-docs", null, Needs.VIEWER),
                new Endpoint("GET", "/", null, Needs.VIEWER),
                new Endpoint("GET", "/ws", null, Needs.VIEWER),
                new Endpoint("POST", jobs + "/" + job + "/pause", null, Needs.OWNER),
                new Endpoint("POST", jobs + "/" + job + "/pause?at=round", null, Needs.OWNER),
                new Endpoint("POST", jobs + "/" + job + "/resume", null, Needs.OWNER),
                new Endpoint("POST", jobs + "/" + job + "/cancel", null, Needs.OWNER),
                new Endpoint("POST", jobs, newJob, Needs.OPERATOR),
                new Endpoint("POST", "/v1/datasets", newDataset, Needs.OPERATOR),
                new Endpoint("GET", "/v1/tokens", null, Needs.ADMIN),
                new Endpoint("POST", "/v1/tokens", "{\"name\": \"new\", \"role\": \"viewer\"}", Needs.ADMIN),
                new Endpoint("DELETE", "/v1/tokens/" + tokenId, null, Needs.ADMIN),
                new Endpoint("POST", "/v1/no-such-endpoint", "{}", Needs.ADMIN),
                new Endpoint("DELETE", jobs + "/" + job, null, Needs.ADMIN)));
        return all;
    }

    /** 200: allowed (any answer but 401, 403 or 5xx); else the refusal's status. */
    private static int expected(Caller caller, Needs needs) {
        return switch (caller) {
            case NONE, BAD_TOKEN, REVOKED, EXPIRED -> 401;
            case VIEWER -> needs == Needs.VIEWER ? 200 : 403;
            case OTHER_OPERATOR -> needs == Needs.VIEWER || needs == Needs.OPERATOR ? 200 : 403;
            case OWNER -> needs == Needs.ADMIN ? 403 : 200;
            case ADMIN -> 200;
        };
    }

    private Http client(Caller caller) {
        return switch (caller) {
            case NONE -> new Http(port(), null);
            case BAD_TOKEN -> new Http(port(), "pt_" + "A".repeat(43));
            case REVOKED -> {
                Tokens.Issued issued = tokens.issue("revoked", Role.ADMIN, null, "test");
                tokens.revoke(issued.token().id());
                yield new Http(port(), issued.secret());
            }
            case EXPIRED -> {
                Tokens.Issued issued = tokens.issue("expired", Role.ADMIN, OffsetDateTime.now().plusHours(1), "test");
                sql.sql("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = :id")
                        .param("id", issued.token().id()).update();
                yield new Http(port(), issued.secret());
            }
            case VIEWER -> as("viewer", Role.VIEWER);
            case OTHER_OPERATOR -> as("someone-else", Role.OPERATOR);
            case OWNER -> as("owner", Role.OPERATOR);
            case ADMIN -> admin();
        };
    }
}
