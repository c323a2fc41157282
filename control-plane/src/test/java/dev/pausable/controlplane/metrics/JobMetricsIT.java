package dev.pausable.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * /actuator/prometheus after real intents and real database changes (relayed by LISTEN/NOTIFY).
 * The registry lives as long as the shared test context, so counters are compared before and after.
 */
class JobMetricsIT extends ApiITBase {

    private static final String APP = "application=\"pausable-control-plane\"";

    @Test
    void countsIntentsJobsByStatusAndMeasuresPauseEpochAndCheckpointTimes() throws Exception {
        String before = prometheus();
        UUID job = createTrainingJob(registerDataset(), 10);
        forceStatus(job, "running");
        assertThat(http.post("/v1/training/jobs/" + job + "/resume", null).status()).isEqualTo(400);
        assertThat(http.post("/v1/training/jobs/" + job + "/pause", null).status()).isEqualTo(202);
        sql.sql("""
                INSERT INTO training_metrics (job_id, attempt, epoch, train_loss, val_loss, learning_rate, duration_ms)
                VALUES (:id, 1, 1, 0.5, 0.6, 0.001, 1500)""").param("id", job).update();
        sql.sql("""
                INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind, write_ms)
                VALUES (:id, 1, 1, 'file:///c/x.zip', :sha, 20000, 'pause', 48)""")
                .param("id", job).param("sha", "c".repeat(64)).update();
        commitPause(job, 1);

        String[] after = {""};
        Await.until("metrics of this test", Duration.ofSeconds(10), () -> {
            after[0] = prometheus();
            return delta(before, after[0], "pausable_pause_latency_seconds_count{" + APP + "}") == 1
                    && delta(before, after[0], "pausable_checkpoint_write_seconds_count{" + APP + ",kind=\"pause\"}") == 1
                    && value(after[0], "pausable_jobs{" + APP + ",status=\"paused\"}") == 1;
        });
        String text = after[0];
        assertThat(delta(before, text, "pausable_intents_total{" + APP + ",intent=\"pause\",outcome=\"accepted\"}"))
                .isEqualTo(1);
        assertThat(delta(before, text, "pausable_intents_total{" + APP + ",intent=\"resume\",outcome=\"refused\"}"))
                .isEqualTo(1);
        assertThat(value(text, "pausable_jobs{" + APP + ",status=\"running\"}")).isZero();
        assertThat(delta(before, text, "pausable_epoch_duration_seconds_sum{" + APP + "}")).isCloseTo(1.5, within(1e-9));
        assertThat(delta(before, text, "pausable_checkpoint_size_bytes_sum{" + APP + ",kind=\"pause\"}"))
                .isCloseTo(20000, within(1e-9));
        assertThat(delta(before, text, "pausable_checkpoint_write_seconds_sum{" + APP + ",kind=\"pause\"}"))
                .isCloseTo(0.048, within(1e-9));
        assertThat(delta(before, text, "pausable_pause_latency_seconds_sum{" + APP + "}")).isGreaterThan(0);
        assertThat(text).contains("pausable_websocket_clients{" + APP + "}");

        // Every series the Grafana dashboard in conf/ queries is one this control plane exports.
        String dashboard = Files.readString(Path.of("..", "conf", "grafana-dashboard.json"));
        Matcher series = Pattern.compile("pausable_[a-z_]+").matcher(dashboard);
        int checked = 0;
        while (series.find()) {
            assertThat(text).as("Grafana queries " + series.group()).contains(series.group() + "{");
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @Test
    void healthReportsThePostgresAndObjectStoreChecks() {
        var health = http.get("/actuator/health").body();
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("db").get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("objectStore").get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("objectStore").get("details").get("checkpointRoot").asString())
                .startsWith("file:");
    }

    private String prometheus() {
        return http.get("/actuator/prometheus").raw();
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    /** The sample of one series in Prometheus' text format; 0 when it is not there (yet). */
    private static double value(String text, String series) {
        return text.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .orElse(0.0);
    }
}
