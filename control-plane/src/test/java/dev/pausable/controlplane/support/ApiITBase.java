package dev.pausable.controlplane.support;

import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.CheckpointNames;
import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.auth.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One control plane on a random port over one real, throwaway PostgreSQL for all API tests
 * (same configuration, so Spring's context cache shares it). Tables are emptied before each test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "pausable.embedded-db.directory=target/it-postgres/${random.uuid}",
        "pausable.embedded-db.server-config.fsync=off",
        "pausable.embedded-db.server-config.synchronous_commit=off",
        "pausable.embedded-db.server-config.full_page_writes=off",
        // Tests run passes themselves (ReconcilerIT); a scheduled one would race them.
        "pausable.reconciler.enabled=false",
        "pausable.recovery.backoff=50ms",
        "pausable.sweeper.enabled=false",
        "pausable.sweeper.grace=1m",
        "pausable.spark.checkpoint-root=target/it-checkpoints",
        "pausable.spark.data-roots[0]=file:///data",
        "pausable.spark.data-roots[1]=s3a://training/datasets",
        "pausable.auth.admin-token-file=target/it-admin-token/${random.uuid}",
        "pausable.events.keepalive=2s",
        "pausable.events.client-queue=64",
        // The recording launcher's jobs stay QUEUED for good: a real limit is AdmissionIT's.
        "pausable.admission.max-running=1000",
        // Tests change the table and list it at once: exact totals (JobsApiIT covers the sharing).
        "pausable.api.list-total-max-age=0"
})
@Import(RecordingLauncher.Config.class)
public abstract class ApiITBase {

    @Autowired
    protected DataSource dataSource;
    @Autowired
    protected RecordingLauncher launcher;
    @Autowired
    private Environment environment;
    @Autowired
    protected Tokens tokens;

    protected JdbcClient sql;
    /** The API as operator "tester", who creates the tests' jobs. */
    protected Http http;

    @BeforeEach
    void resetState() {
        sql = JdbcClient.create(dataSource);
        sql.sql("TRUNCATE training_jobs, datasets, api_tokens CASCADE").update();
        launcher.reset();
        http = as("tester", Role.OPERATOR);
    }

    /** The API as an admin (deletes jobs, acts on anyone's). */
    protected Http admin() {
        return as("test-admin", Role.ADMIN);
    }

    /** The API as a principal of this name and role (a fresh token). */
    protected Http as(String name, Role role) {
        return new Http(port(), token(name, role));
    }

    /** A fresh token's secret for a principal of this name and role. */
    protected String token(String name, Role role) {
        return tokens.issue(name, role, null, "test").secret();
    }

    protected int port() {
        return environment.getRequiredProperty("local.server.port", Integer.class);
    }

    protected long countJobs() {
        return sql.sql("SELECT count(*) FROM training_jobs").query(Long.class).single();
    }

    protected UUID registerDataset() {
        Http.Response response = http.post("/v1/datasets", Http.json(Map.of(
                "name", "rss-small",
                "uri", "file:///data/rss-small",
                "feature_columns", List.of("rss_0", "rss_1", "rss_2"),
                "label_columns", List.of("x", "y"),
                "num_samples", 1000)));
        if (response.status() != 201) {
            throw new AssertionError("dataset registration failed: " + response.raw());
        }
        return UUID.fromString(response.body().get("id").asString());
    }

    protected UUID createTrainingJob(UUID datasetId, int epochs) {
        return createTrainingJob(datasetId, epochs, "");
    }

    /** {@code moreConfig}: more config members, each with a leading comma (e.g. {@code , "max_restarts": 0}). */
    protected UUID createTrainingJob(UUID datasetId, int epochs, String moreConfig) {
        return createTrainingJob(http, datasetId, epochs, moreConfig);
    }

    /** The same job created by {@code client}'s principal (its owner). */
    protected UUID createTrainingJob(Http client, UUID datasetId, int epochs, String moreConfig) {
        Http.Response response = client.post("/v1/training/jobs", """
                {"job_name": "Pause Resume Test",
                 "config": {"dataset_id": "%s", "epochs": %d, "batch_size": 16, "learning_rate": 0.001%s}}
                """.formatted(datasetId, epochs, moreConfig));
        if (response.status() != 201) {
            throw new AssertionError("job creation failed: " + response.raw());
        }
        return queued(UUID.fromString(response.body().get("id").asString()));
    }

    protected UUID createSyntheticJob() {
        Http.Response response = http.post("/v1/training/jobs", """
                {"job_name": "rss", "job_type": "synthetic_data", "config": {"num_samples": 1000}}""");
        if (response.status() != 201) {
            throw new AssertionError("job creation failed: " + response.raw());
        }
        return queued(UUID.fromString(response.body().get("id").asString()));
    }

    /** Waits until the (asynchronous) submission after creation has moved the job to QUEUED. */
    protected UUID queued(UUID jobId) {
        Await.until("job " + jobId + " queued", Duration.ofSeconds(10), () -> "queued".equals(status(jobId)));
        return jobId;
    }

    /** Puts a job into a status the way another writer (the trainer, an operator in psql) would. */
    protected void forceStatus(UUID jobId, String status) {
        sql.sql("UPDATE training_jobs SET status = :status WHERE id = :id")
                .param("status", status).param("id", jobId).update();
    }

    /**
     * What the trainer commits when it honours a pause: PAUSED with the checkpoint, in one statement,
     * after writing the checkpoint's object (4096 bytes under the test checkpoint root).
     */
    protected void commitPause(UUID jobId, int epoch) {
        commitPause(jobId, epoch, 0);
    }

    /** The same, for a pause {@code round} rounds into the epoch after {@code epoch}. */
    protected void commitPause(UUID jobId, int epoch, int round) {
        sql.sql("""
                        UPDATE training_jobs SET status = 'paused', current_epoch = :epoch, current_round = :round,
                               pause_checkpoint_path = :uri, pause_checkpoint_sha256 = :sha,
                               pause_checkpoint_size = 4096, pause_checkpoint_epoch = :epoch,
                               pause_checkpoint_round = :round
                        WHERE id = :id""")
                .param("epoch", epoch)
                .param("round", round)
                .param("uri", checkpointObject(jobId, CheckpointNames.name(CheckpointKind.PAUSE, epoch, round, 1), 4096))
                .param("sha", "a".repeat(64))
                .param("id", jobId)
                .update();
    }

    /** Writes a checkpoint object of {@code size} bytes under the test checkpoint root; returns its URI. */
    protected String checkpointObject(UUID jobId, String name, int size) {
        try {
            Path file = Files.createDirectories(Path.of("target", "it-checkpoints", jobId.toString()))
                    .resolve(name).toAbsolutePath();
            Files.write(file, new byte[size]);
            return file.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A checkpoint row as the trainer commits one, with its object (the trigger makes it the latest). */
    protected String commitCheckpoint(UUID jobId, String kind, int epoch, int attempt) {
        String uri = checkpointObject(jobId, kind + "-epoch-" + String.format("%04d", epoch) + "-attempt-" + attempt
                + ".zip", 2048);
        sql.sql("""
                        INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind)
                        VALUES (:id, :epoch, :attempt, :uri, :sha, 2048, :kind)""")
                .param("id", jobId).param("epoch", epoch).param("attempt", attempt).param("uri", uri)
                .param("sha", "c".repeat(64)).param("kind", kind).update();
        return uri;
    }

    /**
     * Everything a request could change: jobs, their audit trail, datasets, tokens. A job's
     * {@code updated_at} alone is no change (recording a resumed submission's driver touches it).
     */
    protected String databaseSnapshot() {
        return sql.sql("""
                SELECT concat_ws(' | ',
                  (SELECT string_agg((to_jsonb(t) - 'updated_at')::text, ',' ORDER BY id) FROM training_jobs t),
                  (SELECT count(*) FROM job_events),
                  (SELECT string_agg(d::text, ',' ORDER BY id) FROM datasets d),
                  (SELECT string_agg(k::text, ',' ORDER BY id) FROM api_tokens k))""").query(String.class).single();
    }

    protected String status(UUID jobId) {
        return sql.sql("SELECT status FROM training_jobs WHERE id = :id").param("id", jobId).query(String.class).single();
    }
}
