package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How long a pause takes when asked at a random point of an epoch: at the next averaging round
 * ({@code ?at=round}) against the seed's epoch boundary, alternating on one job through the real stack
 * (control plane, PostgreSQL, spark-submit to local[2]); then SIGTERM to the driver at random points:
 * how long until the job is handed over with a checkpoint, and until the driver has exited. Run with
 * {@code mvn -B -Pbench verify -pl e2e -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=PauseBoundaryBenchmark}; size it with {@code -Dbench.rows}, {@code -Dbench.layers},
 * {@code -Dbench.pauses}. The report names the measured epoch length. Results:
 * target/bench/pause-boundary.txt.
 */
class PauseBoundaryBenchmark {

    private static final Duration RUN = Duration.ofMinutes(20);

    record Stop(String kind, int epoch, int round, int rounds, double seconds, double exitSeconds) {

        Stop {
            // Each as it happens, so a run stopped early still tells what it measured.
            System.out.printf(Locale.ROOT, "PauseBoundaryBenchmark: %s asked in epoch %d at round %d of %d: %.2f s"
                    + " (exit %.2f s)%n", kind, epoch, round, rounds, seconds, exitSeconds);
        }
    }

    @Test
    void aPauseAtTheNextRoundAgainstOneAtTheEpochBoundaryAndSigterm() throws Exception {
        int pauses = Integer.getInteger("bench.pauses", 5);
        int rows = Integer.getInteger("bench.rows", 200_000);
        String layers = System.getProperty("bench.layers", "[128, 128]");
        int epochs = 3 * pauses + 3;
        Random random = new Random(7);
        List<Stop> stops = new ArrayList<>();
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("bench-boundary").start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(rows, 3);
            String id = api.train(dataset, "pause-boundary", epochs, 41, "\"hidden_layers\": " + layers
                    + ", \"checkpoint_interval_seconds\": 0");
            JsonNode stopped = null;
            for (int i = 0; i < 2 * pauses; i++) {
                String at = i % 2 == 0 ? "round" : "epoch";
                JsonNode running = awaitWithinEpoch(api, id, random.nextDouble(), stopped);
                Instant asked = Instant.now();
                api.pause(id, at);
                stopped = api.awaitStatus(id, "paused", RUN);
                Instant paused = lastStatusEvent(api, id, "paused");
                stops.add(new Stop("pause at " + at, running.get("current_epoch").asInt() + 1,
                        running.get("current_round").asInt(), running.get("rounds_per_epoch").asInt(),
                        PauseResumeBenchmark.seconds(asked, paused), Double.NaN));
                api.resume(id);
            }
            for (int i = 0; i < pauses; i++) {
                JsonNode running = awaitWithinEpoch(api, id, random.nextDouble(), stopped);
                int attempt = running.get("attempt").asInt();
                ProcessHandle driver = DriverCrashIT.driverJvm(id, attempt);
                Instant signalled = Instant.now();
                assertThat(driver.destroy()).isTrue();
                driver.onExit().get(2, TimeUnit.MINUTES);
                Instant exited = Instant.now();
                stopped = api.await(id, j -> j.get("attempt").asInt() == attempt + 1, "handed over", RUN);
                Instant handedOver = lastStatusEvent(api, id, "pending");
                stops.add(new Stop("SIGTERM", running.get("current_epoch").asInt() + 1,
                        running.get("current_round").asInt(), running.get("rounds_per_epoch").asInt(),
                        PauseResumeBenchmark.seconds(signalled, handedOver), PauseResumeBenchmark.seconds(signalled, exited)));
            }
            List<JsonNode> metrics = api.metrics(id);
            api.post("/v1/training/jobs/" + id + "/cancel", null, 202);
            report(stops, rows, layers, metrics);
        }
    }

    /**
     * Waits until the job runs at least {@code fraction} of the way into an epoch (by its reported round),
     * and, after a stop, past where it stopped: until the resumed attempt reports its first round, the job
     * still shows the round it stopped at.
     */
    private static JsonNode awaitWithinEpoch(Api api, String id, double fraction, JsonNode stopped) throws Exception {
        return api.await(id, j -> j.get("status").asText().equals("running") && !j.get("rounds_per_epoch").isNull()
                && j.get("current_round").asInt() >= Math.max(1, fraction * j.get("rounds_per_epoch").asInt())
                && (stopped == null || position(j) > position(stopped)),
                "running " + Math.round(fraction * 100) + "% into an epoch", RUN);
    }

    /** Rounds trained so far, comparable across epochs. */
    private static long position(JsonNode job) {
        return (long) job.get("current_epoch").asInt() * job.get("rounds_per_epoch").asInt()
                + job.get("current_round").asInt();
    }

    private static Instant lastStatusEvent(Api api, String id, String status) throws Exception {
        return api.events(id).stream()
                .filter(e -> e.get("event_type").asText().equals("status") && e.get("to_value").asText().equals(status))
                .map(e -> PauseResumeBenchmark.time(e.get("created_at")))
                .reduce((a, b) -> b).orElseThrow();
    }

    private static void report(List<Stop> stops, int rows, String layers, List<JsonNode> metrics) throws Exception {
        double epochSeconds = PauseResumeBenchmark.median(metrics.stream().map(m -> m.get("duration_ms").asDouble() / 1000).toList());
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "Pause boundary benchmark: %d rows, %s Adam, averaging frequency 5, 2 workers, local[2];"
                        + " median epoch %.1f s (%d epochs recorded)%n"
                        + "kind            asked_in_epoch  at_round  of_rounds  request_to_stop_s  sigterm_to_exit_s%n",
                rows, layers, epochSeconds, metrics.size()));
        for (Stop stop : stops) {
            out.append(String.format(Locale.ROOT, "%-15s %14d %9d %10d %18.2f %18.2f%n", stop.kind, stop.epoch,
                    stop.round, stop.rounds, stop.seconds, stop.exitSeconds));
        }
        double round = PauseResumeBenchmark.median(stops.stream().filter(s -> s.kind.equals("pause at round")).map(Stop::seconds).toList());
        double epoch = PauseResumeBenchmark.median(stops.stream().filter(s -> s.kind.equals("pause at epoch")).map(Stop::seconds).toList());
        double sigterm = PauseResumeBenchmark.median(stops.stream().filter(s -> s.kind.equals("SIGTERM")).map(Stop::seconds).toList());
        double exit = PauseResumeBenchmark.median(stops.stream().filter(s -> s.kind.equals("SIGTERM")).map(Stop::exitSeconds).toList());
        out.append(String.format(Locale.ROOT, "median pause request -> PAUSED: at a round %.2f s, at the epoch boundary"
                        + " %.2f s; ratio round/epoch %.3f%n"
                        + "median SIGTERM -> checkpoint committed and job handed over %.2f s; SIGTERM -> driver exited"
                        + " %.2f s%n", round, epoch, round / epoch, sigterm, exit));
        System.out.print(out);
        Files.writeString(Files.createDirectories(Path.of("target", "bench")).resolve("pause-boundary.txt"), out);
    }
}
