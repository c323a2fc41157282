package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Object-store faults of the fault-injection suite (issue 10, {@code -Pchaos}): datasets and checkpoints
 * in a real S3 bucket (s3proxy), and s3proxy frozen with SIGSTOP for 30 s, once while a job trains
 * (its periodic checkpoints fail, are recorded in the audit trail and owed; training goes on) and once
 * while a job pauses (its pause checkpoint cannot be written: the job is never PAUSED while the store
 * is frozen, keeps training and tries again at each epoch boundary until the store answers). Each job
 * completes identical to its uninterrupted twin, nothing lost, within the retention, and no object
 * without a live row remains.
 */
class ObjectStoreChaosSuite {

    private static final Duration RUN = Duration.ofMinutes(10);
    private static final Duration FROZEN = Duration.ofSeconds(30);
    /**
     * Enough epochs that training outlasts the freeze: through the round exchange an epoch of this data
     * takes about 0.2 s here, and 40 epochs ended before any checkpoint write had failed.
     */
    private static final int EPOCHS = 200;
    private static final long SEED = 43;
    private static final String CONFIG = "\"checkpoint_every_epochs\": 1";

    private static S3Server s3;
    private static ControlPlaneProcess controlPlane;
    private static Api api;
    private static Twins twins;
    private static String dataset;
    private static String twin;

    @BeforeAll
    static void stack() throws Exception {
        Path root = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e")), "chaos-s3")
                .toAbsolutePath();
        s3 = S3Server.start(root);
        controlPlane = ControlPlaneProcess.create("chaos-s3",
                "--pausable.sweeper.interval=5s",
                "--pausable.sweeper.grace=20s",
                "--pausable.spark.conf[spark.pausable.heartbeatSeconds]=1").on(s3).start();
        api = controlPlane.api;
        twins = new Twins(api, s3::file);
        dataset = api.syntheticDataset(3000, 8);
        twin = api.train(dataset, "Twin", EPOCHS, SEED, CONFIG);
        api.awaitStatus(twin, "completed", RUN);
    }

    @AfterAll
    static void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aStoreFrozenWhileTrainingCostsNoProgress() throws Exception {
        String job = api.train(dataset, "Through a frozen store", EPOCHS, SEED, CONFIG);
        int before = api.awaitRunningAtEpoch(job, 2, RUN).get("current_epoch").asInt();

        Instant frozen = freeze();
        try {
            Await.until("a failed checkpoint write in the audit trail", FROZEN, () -> !problems(job).isEmpty());
            JsonNode during = api.job(job);
            assertThat(during.get("status").asText()).as("training goes on").isEqualTo("running");
            assertThat(during.get("current_epoch").asInt()).as("epochs recorded while frozen").isGreaterThan(before);
        } finally {
            thawAfter(frozen);
        }

        JsonNode completed = api.awaitStatus(job, "completed", RUN);
        assertThat(completed.get("restart_count").asInt()).as("the driver rode out the outage").isZero();
        assertThat(problems(job)).allMatch(reason -> reason.contains(" checkpoint after epoch "));
        assertNothingLost(job);
        System.out.printf("%nChaos: s3proxy frozen %d s during training (from epoch %d): %d checkpoint writes failed"
                        + " and were owed; completed identical to its twin, attempt %d, restarts %d%n",
                FROZEN.toSeconds(), before, problems(job).size(), completed.get("attempt").asInt(),
                completed.get("restart_count").asInt());
    }

    @Test
    void aPauseDuringAFrozenStoreCommitsOnceItAnswers() throws Exception {
        String job = api.train(dataset, "Paused through a frozen store", EPOCHS, SEED, CONFIG);
        api.awaitRunningAtEpoch(job, 2, RUN);

        Instant frozen = freeze();
        int requestedAt;
        try {
            requestedAt = api.pause(job).get("current_epoch").asInt();
            // Never PAUSED without a verified object: the pause waits for the store, training goes on.
            Await.throughout(frozen.plus(FROZEN).minusSeconds(1), () -> assertThat(api.job(job).get("status").asText())
                    .as("while the store is frozen").isIn("running", "pausing"));
        } finally {
            thawAfter(frozen);
        }

        JsonNode paused = api.awaitStatus(job, "paused", RUN);
        assertThat(Files.size(s3.file(paused.get("pause_checkpoint_path").asText())))
                .isEqualTo(paused.get("pause_checkpoint_size").asLong());
        api.resume(job);
        JsonNode completed = api.awaitStatus(job, "completed", RUN);
        assertNothingLost(job);
        System.out.printf("%nChaos: s3proxy frozen %d s during a pause (requested after epoch %d, committed after"
                        + " epoch %d, %d pause checkpoint writes failed): resumed, completed identical to its twin,"
                        + " attempt %d, restarts %d%n", FROZEN.toSeconds(), requestedAt,
                paused.get("pause_checkpoint_epoch").asInt(),
                problems(job).stream().filter(p -> p.startsWith("The pause checkpoint")).count(),
                completed.get("attempt").asInt(), completed.get("restart_count").asInt());
    }

    /** The problems the job went on with, from its audit trail. */
    private static List<String> problems(String job) throws Exception {
        return api.events(job).stream().filter(e -> e.get("event_type").asText().equals("problem"))
                .map(e -> e.get("reason").asText()).toList();
    }

    private static Instant freeze() throws Exception {
        s3.freeze();
        return Instant.now();
    }

    /** The outage lasts {@link #FROZEN} whatever the assertions during it took. */
    private static void thawAfter(Instant frozen) throws Exception {
        long left = Duration.between(Instant.now(), frozen.plus(FROZEN)).toMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
        s3.thaw();
    }

    private static void assertNothingLost(String job) throws Exception {
        twins.assertIdentical(job, twin);
        twins.assertWithinRetention(job);
        Await.until("no object of " + job + " without a live row", RUN,
                () -> twins.unreferencedObjects(job).isEmpty());
    }
}
