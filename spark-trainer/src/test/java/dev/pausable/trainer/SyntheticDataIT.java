package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.trainer.train.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SyntheticDataIT {

    private final TrainerFixture fx = TrainerFixture.get();

    private Outcome.Generated generate(String config) throws Exception {
        UUID job = fx.insertJob("synthetic_data", config, null, 0);
        Outcome outcome = new Trainer(fx.spark, fx.store(job, 1)).run(new TrainerCommand(job, 1, null));
        assertThat(fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job)).isEqualTo("completed");
        return (Outcome.Generated) outcome;
    }

    @Test
    void generatesARegisteredParquetDatasetDeterministically() throws Exception {
        String config = "{\"num_samples\": 2000, \"seed\": 11, \"num_receivers\": 5, \"partitions\": 3,"
                + " \"area_size_m\": 500, \"path_loss_exponent\": 3.0, \"shadowing_sigma_db\": 4.0,"
                + " \"tx_power_dbm\": 20, \"dataset_name\": \"rss-it\"}";
        Outcome.Generated first = generate(config);

        assertThat(first.rows()).isEqualTo(2000);
        assertThat(fx.queryString("SELECT num_samples FROM datasets WHERE uri = ?", first.datasetUri()))
                .isEqualTo("2000");
        assertThat(fx.queryString("SELECT feature_columns::text FROM datasets WHERE uri = ?", first.datasetUri()))
                .isEqualTo("[\"rss_0\", \"rss_1\", \"rss_2\", \"rss_3\", \"rss_4\"]");
        assertThat(fx.queryString("SELECT created_by_job_id IS NOT NULL FROM datasets WHERE uri = ?",
                first.datasetUri())).isEqualTo("t");

        Dataset<Row> rows = fx.spark.read().parquet(first.datasetUri());
        assertThat(rows.columns()).containsExactly("id", "rss_0", "rss_1", "rss_2", "rss_3", "rss_4", "x", "y");
        assertThat(rows.count()).isEqualTo(2000);
        assertThat(rows.selectExpr("min(x) >= 0 AND max(x) <= 500 AND min(y) >= 0 AND max(y) <= 500")
                .first().getBoolean(0)).isTrue();
        // Signal strength falls with distance: the centre receiver hears near transmitters louder.
        double near = rows.where("abs(x - 250) < 50 AND abs(y - 250) < 50").selectExpr("avg(rss_0)").first().getDouble(0);
        double far = rows.where("x < 50 AND y < 50").selectExpr("avg(rss_0)").first().getDouble(0);
        assertThat(near).isGreaterThan(far + 10);

        Outcome.Generated again = generate(config.replace("\"partitions\": 3", "\"partitions\": 2")
                .replace("rss-it", "rss-it-2"));
        List<Row> a = fx.spark.read().parquet(first.datasetUri()).orderBy("id").collectAsList();
        List<Row> b = fx.spark.read().parquet(again.datasetUri()).orderBy("id").collectAsList();
        assertThat(b).as("same seed, other partitioning: same rows").isEqualTo(a);
    }

    /** Issue 10: a cancel during generation ends CANCELLED (not FAILED) and leaves no partial output. */
    @Test
    void aCancelDuringGenerationEndsCancelledAndRemovesThePartialOutput() throws Exception {
        UUID job = fx.insertJob("synthetic_data", "{\"num_samples\": 5000000, \"seed\": 3, \"partitions\": 4}",
                null, 0);
        CompletableFuture<Outcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new Trainer(fx.spark, fx.store(job, 1)).run(new TrainerCommand(job, 1, null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        fx.awaitStatus(job, "running", Duration.ofMinutes(1));
        fx.update("UPDATE training_jobs SET status = 'cancelling', desired_state = 'cancelled' WHERE id = ?", job);

        assertThat(run.get(2, TimeUnit.MINUTES)).isEqualTo(new Outcome.Cancelled(0));
        assertThat(fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job)).isEqualTo("cancelled");
        assertThat(fx.work.resolve("datasets").resolve(job.toString())).doesNotExist();
        assertThat(fx.queryString("SELECT count(*) FROM datasets WHERE created_by_job_id = ?", job)).isEqualTo("0");
    }
}
