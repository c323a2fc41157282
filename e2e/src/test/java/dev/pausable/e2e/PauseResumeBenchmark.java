package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Pause and resume latency through the REST API against the real stack (control plane, embedded
 * PostgreSQL, spark-submit to local[2]): run with {@code mvn -B -Pbench verify -pl e2e -am}. Each
 * round creates a job (the fresh-submission baseline), pauses it at epoch >= 3 and resumes it.
 * Epoch boundaries come from the metrics rows (end = recorded_at, start = end - duration_ms), the
 * PAUSED moment from the audit trail; all on this host's clock. Results: target/bench/pause-resume.txt.
 */
class PauseResumeBenchmark {

    private static final Duration RUN = Duration.ofMinutes(10);

    record Round(double pauseTotalS, double remainingEpochS, double checkpointS, double freshStartS,
                 double resumeStartS, double throughputBefore, double throughputAfter) {
    }

    @Test
    void pauseAndResumeLatencyNextToAFreshSubmission() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        int rows = Integer.getInteger("bench.rows", 20000);
        int epochs = 8;
        List<Round> results = new ArrayList<>();
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("bench").start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(rows, 1);
            for (int round = 0; round < rounds; round++) {
                Instant created = Instant.now();
                String id = api.train(dataset, "bench-" + round, epochs, 100 + round, "");
                api.awaitRunningAtEpoch(id, 3, RUN);
                Instant pauseAsked = Instant.now();
                api.pause(id);
                JsonNode paused = api.awaitStatus(id, "paused", RUN);
                int pausedEpoch = paused.get("pause_checkpoint_epoch").asInt();
                Instant pausedAt = api.events(id).stream()
                        .filter(e -> e.get("event_type").asText().equals("status")
                                && e.get("to_value").asText().equals("paused"))
                        .map(e -> time(e.get("created_at"))).reduce((a, b) -> b).orElseThrow();
                Instant resumeAsked = Instant.now();
                api.resume(id);
                api.awaitStatus(id, "completed", RUN);

                List<JsonNode> metrics = api.metrics(id);
                assertThat(metrics).hasSize(epochs);
                JsonNode first = metrics.get(0);
                JsonNode lastBefore = metrics.get(pausedEpoch - 1);
                JsonNode firstAfter = metrics.get(pausedEpoch);
                Instant pausedEpochEnd = time(lastBefore.get("recorded_at"));
                results.add(new Round(
                        seconds(pauseAsked, pausedAt),
                        seconds(pauseAsked, pausedEpochEnd),
                        seconds(pausedEpochEnd, pausedAt),
                        seconds(created, start(first)),
                        seconds(resumeAsked, start(firstAfter)),
                        meanThroughput(metrics.subList(1, pausedEpoch)),
                        meanThroughput(metrics.subList(pausedEpoch + 1, epochs))));
            }
        }
        report(results, rows, epochs);
    }

    private static void report(List<Round> results, int rows, int epochs) throws Exception {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "Pause/resume benchmark: %d rows, %d epochs, [32, 32] Adam, 2 workers, local[2], %d rounds%n"
                        + "round  pause_total_s  remaining_epoch_s  checkpoint_part_s  fresh_first_epoch_s"
                        + "  resume_first_epoch_s  resume/fresh  samples/s_before  samples/s_after  after/before%n",
                rows, epochs, results.size()));
        for (int i = 0; i < results.size(); i++) {
            Round r = results.get(i);
            out.append(String.format(Locale.ROOT, "%5d  %13.2f  %17.2f  %17.2f  %19.2f  %20.2f  %12.3f  %16.0f  %15.0f  %12.3f%n",
                    i + 1, r.pauseTotalS, r.remainingEpochS, r.checkpointS, r.freshStartS, r.resumeStartS,
                    r.resumeStartS / r.freshStartS, r.throughputBefore, r.throughputAfter,
                    r.throughputAfter / r.throughputBefore));
        }
        double fresh = median(results.stream().map(Round::freshStartS).toList());
        double resume = median(results.stream().map(Round::resumeStartS).toList());
        double before = median(results.stream().map(Round::throughputBefore).toList());
        double after = median(results.stream().map(Round::throughputAfter).toList());
        out.append(String.format(Locale.ROOT, "median checkpoint part of the pause: %.2f s (seed target < 10 s)%n"
                        + "median resume request -> first resumed epoch starts: %.2f s (seed target < 30 s)%n"
                        + "median fresh submission -> first epoch starts: %.2f s; ratio resume/fresh %.3f (goal <= 1.3)%n"
                        + "median throughput before %.0f vs after resume %.0f samples/s: ratio %.3f%n",
                median(results.stream().map(Round::checkpointS).toList()), resume, fresh, resume / fresh,
                before, after, after / before));
        System.out.print(out);
        Path file = Files.createDirectories(Path.of("target", "bench")).resolve("pause-resume.txt");
        Files.writeString(file, out);
        assertThat(results).allSatisfy(r -> assertThat(r.checkpointS).isGreaterThanOrEqualTo(0));
    }

    private static Instant start(JsonNode metric) {
        return time(metric.get("recorded_at")).minusMillis(metric.get("duration_ms").asLong());
    }

    private static double meanThroughput(List<JsonNode> metrics) {
        return metrics.stream().mapToDouble(m -> m.get("samples_per_second").asDouble()).average().orElse(Double.NaN);
    }

    static Instant time(JsonNode iso) {
        return OffsetDateTime.parse(iso.asText()).toInstant();
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
