package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection suite (issue 10), run with {@code -Pchaos}: on the real stack (control plane jar,
 * its PostgreSQL, spark-submit, local checkpoints) the drivers of several jobs are killed with SIGKILL at
 * random instants of their epochs (mid-epoch, during a checkpoint, in the first epoch of a restarted
 * attempt) and right after a pause commit. Every job must complete with the per-epoch validation losses
 * (the latest attempt's value for each epoch) and the final parameters of an uninterrupted twin; no
 * corrupt checkpoint adopted, no more live checkpoints than the retention allows, and, once the
 * sweeper's grace has passed, no object without a live row. Prints a table of the faults and their cost.
 */
class DriverChaosSuite {

    private static final Duration RUN = Duration.ofMinutes(10);
    private static final int KILLS = Integer.getInteger("chaos.kills", 20);
    private static final int JOBS = Integer.getInteger("chaos.jobs", 4);
    private static final long RANDOM_SEED = Long.getLong("chaos.seed", 1);
    private static final int EPOCHS = 8;
    private static final int LONG_EPOCHS = 40;
    private static final long TRAINING_SEED = 41;
    private static final String CONFIG = "\"checkpoint_every_epochs\": 1, \"max_restarts\": 50";
    /** The suite brings its own PostgreSQL: trainers connect as their own role, with this password. */
    private static final String TRAINER_DB_PASSWORD = "--pausable.trainer-db.password=" + java.util.UUID.randomUUID();

    /** One injected fault: which job and attempt, what kind, when. */
    private record Fault(String job, int attempt, String kind, Instant at) {
    }

    @Test
    void everyJobSurvivesItsKillsAndEndsIdenticalToAnUninterruptedTwin() throws Exception {
        Random random = new Random(RANDOM_SEED);
        List<Fault> faults = new ArrayList<>();
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("chaos",
                "--pausable.recovery.backoff=1s",
                "--pausable.recovery.max-backoff=4s",
                "--pausable.reconciler.interval=2s",
                "--pausable.reconciler.heartbeat-timeout=10s",
                "--pausable.reconciler.launch-grace=30s",
                "--pausable.sweeper.interval=5s",
                "--pausable.sweeper.grace=20s",
                "--pausable.spark.conf[spark.pausable.heartbeatSeconds]=1").start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(3000, 3);
            String twin = api.train(dataset, "Twin", EPOCHS, TRAINING_SEED, CONFIG);
            JsonNode reference = api.awaitStatus(twin, "completed", RUN);
            long epochMillis = api.metrics(twin).stream().mapToLong(m -> m.get("duration_ms").asLong()).max()
                    .orElse(2000);

            List<String> jobs = new ArrayList<>();
            for (int j = 0; j < JOBS; j++) {
                String job = api.train(dataset, "Chaos " + j, EPOCHS, TRAINING_SEED, CONFIG);
                jobs.add(job);
                int kills = KILLS / JOBS + (j < KILLS % JOBS ? 1 : 0);
                int killed = 0;
                for (int k = 0; k < kills; k++) {
                    int after = killed;
                    // The next attempt's driver, not the one just killed (its loss may not be recorded yet).
                    JsonNode running = api.await(job, j2 -> j2.get("status").asText().equals("completed")
                            || j2.get("status").asText().equals("running") && j2.get("attempt").asInt() > after,
                            "running", RUN);
                    if (running.get("status").asText().equals("completed")) {
                        break;
                    }
                    int attempt = running.get("attempt").asInt();
                    if (k % 2 == 1 && !trainedAnEpoch(api, job, attempt)) {
                        continue;
                    }
                    // The instant of the fault: every other kill hits the driver's start or its first epoch,
                    // the others an epoch (or its checkpoint upload and commit) of an attempt that has trained.
                    Thread.sleep((long) (random.nextDouble() * epochMillis * 1.5));
                    if (kill(job, attempt)) {
                        faults.add(new Fault(job, attempt, "driver SIGKILL", Instant.now()));
                    }
                    killed = attempt;
                }
                pauseThenKill(api, job, faults);
            }

            for (String job : jobs) {
                api.awaitStatus(job, "completed", RUN);
            }
            Twins twins = Twins.local(api);
            for (String job : jobs) {
                twins.assertIdentical(job, twin);
                twins.assertWithinRetention(job);
            }
            assertThat(faults).as("faults injected").hasSizeGreaterThanOrEqualTo(Math.min(KILLS, JOBS * 2));
            Await.until("the sweeper removed every object without a live row", Duration.ofMinutes(2),
                    () -> jobs.stream().allMatch(job -> twins.unreferencedObjects(job).isEmpty()));
            report(api, faults, jobs, reference);
        }
    }

    /**
     * PostgreSQL restarted under a running job: the trainer retries its writes (up to its deadline), the
     * control plane's pool and event relay reconnect; the job completes identical to its twin.
     */
    @Test
    void aPostgreSqlRestartMidTrainingLosesNothing() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "e2e")).resolve("chaos-pg-" + System.nanoTime())
                .toAbsolutePath();
        int port = ControlPlaneProcess.freePort();
        EmbeddedPostgres postgres = postgres(data, port);
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("chaos-pg",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "--spring.datasource.username=postgres", TRAINER_DB_PASSWORD,
                "--pausable.spark.conf[spark.pausable.heartbeatSeconds]=1").start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(3000, 4);
            String twin = api.train(dataset, "Twin", EPOCHS, TRAINING_SEED, CONFIG);
            api.awaitStatus(twin, "completed", RUN);
            String job = api.train(dataset, "Through a PostgreSQL restart", EPOCHS, TRAINING_SEED, CONFIG);
            api.awaitRunningAtEpoch(job, 2, RUN);

            Instant down = Instant.now();
            postgres.close();
            // The outage: long enough for the trainer to hit it at an epoch boundary or heartbeat.
            Thread.sleep(5_000);
            postgres = postgres(data, port);
            JsonNode completed = api.awaitStatus(job, "completed", RUN);

            Twins.local(api).assertIdentical(job, twin);
            assertThat(completed.get("restart_count").asInt()).as("the driver rode out the outage").isZero();
            System.out.printf("%nChaos: PostgreSQL restarted (down 5 s at %s): job completed identical to its twin,"
                    + " attempt %d, restarts %d%n", down, completed.get("attempt").asInt(),
                    completed.get("restart_count").asInt());
        } finally {
            postgres.close();
        }
    }

    /**
     * The control plane killed with SIGKILL and started again mid-run (on the suite's own PostgreSQL): the
     * running driver outlives it, is re-adopted by its tag, and the job completes identical to its twin
     * without a restart and without a second launch.
     */
    @Test
    void aControlPlaneKilledMidRunReadoptsItsDriverAndLosesNothing() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "e2e")).resolve("chaos-cp-pg-" + System.nanoTime())
                .toAbsolutePath();
        int port = ControlPlaneProcess.freePort();
        try (EmbeddedPostgres postgres = postgres(data, port)) {
            ControlPlaneProcess first = ControlPlaneProcess.create("chaos-cp",
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "--spring.datasource.username=postgres", TRAINER_DB_PASSWORD,
                    "--pausable.reconciler.interval=1s",
                    "--pausable.reconciler.heartbeat-timeout=10s",
                    "--pausable.spark.conf[spark.pausable.heartbeatSeconds]=1").start();
            Api api = first.api;
            String job;
            String twin;
            try {
                String dataset = api.syntheticDataset(3000, 6);
                // Long enough to still run when the next control plane is up (it starts in ~15 s here).
                twin = api.train(dataset, "Twin", LONG_EPOCHS, TRAINING_SEED, CONFIG);
                api.awaitStatus(twin, "completed", RUN);
                job = api.train(dataset, "Outlives its control plane", LONG_EPOCHS, TRAINING_SEED, CONFIG);
                api.awaitRunningAtEpoch(job, 2, RUN);
            } finally {
                first.kill();
            }
            assertThat(DriverCrashIT.driver(job, 1)).as("the driver outlives a SIGKILLed control plane").isNotEmpty();
            try (ControlPlaneProcess second = first.withArgs().start()) {
                JsonNode completed = api.awaitStatus(job, "completed", RUN);
                assertThat(completed.get("attempt").asInt()).as("re-adopted, not launched again").isEqualTo(1);
                assertThat(completed.get("restart_count").asInt()).isZero();
                Twins.local(api).assertIdentical(job, twin);
                assertThat(second.log()).contains("Re-adopted pausable-" + job + "-a1");
                System.out.printf("%nChaos: control plane SIGKILLed at epoch >= 2 and restarted: driver re-adopted,"
                        + " job completed identical to its twin in attempt %d%n", completed.get("attempt").asInt());
            }
        }
    }

    private static EmbeddedPostgres postgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    /** Waits until the attempt has recorded an epoch; false if the job completed first. */
    private static boolean trainedAnEpoch(Api api, String job, int attempt) throws Exception {
        Await.until("attempt " + attempt + " of " + job + " trained an epoch", RUN, () ->
                api.job(job).get("status").asText().equals("completed") || Api.list(api.get("/v1/training/jobs/" + job
                        + "/metrics?attempts=all").get("metrics")).stream().anyMatch(m -> m.get("attempt").asInt() == attempt));
        return !api.job(job).get("status").asText().equals("completed");
    }

    /** A pause, and a SIGKILL of whatever is left of the driver right after the pause commit; then resume. */
    private static void pauseThenKill(Api api, String job, List<Fault> faults) throws Exception {
        JsonNode running = api.await(job, j -> Set.of("running", "completed").contains(j.get("status").asText()),
                "running", RUN);
        if (running.get("status").asText().equals("completed")) {
            return;
        }
        api.pause(job);
        JsonNode paused = api.await(job, j -> Set.of("paused", "completed").contains(j.get("status").asText()),
                "paused", RUN);
        if (paused.get("status").asText().equals("paused")) {
            kill(job, paused.get("attempt").asInt());
            faults.add(new Fault(job, paused.get("attempt").asInt(), "SIGKILL after a pause commit", Instant.now()));
            api.resume(job);
        }
    }

    private static boolean kill(String job, int attempt) throws Exception {
        List<ProcessHandle> driver = DriverCrashIT.driver(job, attempt);
        for (ProcessHandle process : driver) {
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);
        }
        return !driver.isEmpty();
    }

    /**
     * Per fault: whole epochs trained again (the killed attempt's last recorded epoch minus the epoch the
     * next attempt resumed after) and recovery time (the fault to the start of the next attempt's first
     * epoch, from the metrics' own timestamps).
     */
    private static void report(Api api, List<Fault> faults, List<String> jobs, JsonNode twin) throws IOException {
        Map<String, List<JsonNode>> metrics = new LinkedHashMap<>();
        for (String job : jobs) {
            metrics.put(job, Api.list(api.get("/v1/training/jobs/" + job + "/metrics?attempts=all").get("metrics")));
        }
        List<Integer> lost = new ArrayList<>();
        List<Double> lostWork = new ArrayList<>();
        List<Long> recovery = new ArrayList<>();
        for (Fault fault : faults) {
            List<JsonNode> rows = metrics.get(fault.job());
            int lastOfKilled = rows.stream().filter(m -> m.get("attempt").asInt() == fault.attempt())
                    .mapToInt(m -> m.get("epoch").asInt()).max().orElse(0);
            JsonNode firstAfter = rows.stream().filter(m -> m.get("attempt").asInt() > fault.attempt())
                    .min((a, b) -> Integer.compare(a.get("attempt").asInt() * 10_000 + a.get("epoch").asInt(),
                            b.get("attempt").asInt() * 10_000 + b.get("epoch").asInt()))
                    .orElse(null);
            if (firstAfter == null) {
                continue;
            }
            int resumedAfter = firstAfter.get("epoch").asInt() - 1;
            lost.add(Math.max(0, lastOfKilled - resumedAfter));
            // Training time lost, in epochs: from the end of the epoch the next attempt resumed after (as the
            // killed attempt recorded it) to the fault; the interrupted epoch counts with its done part.
            rows.stream().filter(m -> m.get("attempt").asInt() == fault.attempt()
                    && m.get("epoch").asInt() == resumedAfter).findFirst().ifPresent(m -> lostWork.add(
                    Duration.between(OffsetDateTime.parse(m.get("recorded_at").asText()).toInstant(), fault.at())
                            .toMillis() / (double) m.get("duration_ms").asLong()));
            Instant started = OffsetDateTime.parse(firstAfter.get("recorded_at").asText()).toInstant()
                    .minusMillis(firstAfter.get("duration_ms").asLong());
            recovery.add(Duration.between(fault.at(), started).toMillis());
        }
        StringBuilder table = new StringBuilder("\nChaos suite (seed ").append(RANDOM_SEED).append(")\n");
        faults.stream().collect(Collectors.groupingBy(Fault::kind, TreeMap::new, Collectors.counting()))
                .forEach((kind, count) -> table.append(String.format("  faults: %-32s %d%n", kind, count)));
        table.append(String.format("  jobs completed, identical to the twin: %d of %d (twin epochs %d)%n", jobs.size(),
                jobs.size(), twin.get("current_epoch").asInt()));
        table.append(String.format("  whole epochs trained again per fault: max %d, mean %.2f (over %d faults)%n",
                lost.stream().mapToInt(Integer::intValue).max().orElse(0),
                lost.stream().mapToInt(Integer::intValue).average().orElse(0), lost.size()));
        table.append(String.format("  training time lost per fault, in epochs (faults after a recorded epoch: %d):"
                        + " max %.2f, mean %.2f%n", lostWork.size(),
                lostWork.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                lostWork.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
        table.append(String.format("  recovery (fault -> next attempt's first epoch starts): max %.1f s, mean %.1f s%n",
                recovery.stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0,
                recovery.stream().mapToLong(Long::longValue).average().orElse(0) / 1000.0));
        System.out.println(table);
        Path out = Files.createDirectories(Path.of("target", "chaos")).resolve("chaos-report.txt");
        Files.writeString(out, table.toString());
    }
}
