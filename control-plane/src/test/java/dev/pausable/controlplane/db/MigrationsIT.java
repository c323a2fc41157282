package dev.pausable.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.pausable.controlplane.support.ApiITBase;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The shipped migrations, applied to a brand-new empty database on the same real server. */
class MigrationsIT extends ApiITBase {

    @Test
    void migrateAnEmptyDatabase() throws Exception {
        String database = "empty_" + UUID.randomUUID().toString().replace("-", "");
        sql.sql("CREATE DATABASE " + database).update();
        PGSimpleDataSource empty = new PGSimpleDataSource();
        try (var connection = dataSource.getConnection()) {
            var meta = connection.getMetaData();
            empty.setUrl(meta.getURL().replaceAll("/[^/?]+(\\?.*)?$", "/" + database));
            empty.setUser(meta.getUserName());
            empty.setPassword(((HikariDataSource) dataSource).getPassword());
        }
        try {
            MigrateResult result = Flyway.configure().dataSource(empty).locations("classpath:db/migration").load()
                    .migrate();
            assertThat(result.success).isTrue();
            assertThat(result.migrationsExecuted).isGreaterThanOrEqualTo(1);

            JdbcClient fresh = JdbcClient.create(empty);
            List<String> tables = fresh.sql("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'public' ORDER BY table_name").query(String.class).list();
            assertThat(tables).contains("training_jobs", "training_metrics", "datasets", "checkpoints", "job_events");
            List<String> triggers = fresh.sql("SELECT DISTINCT trigger_name FROM information_schema.triggers"
                    + " WHERE event_object_table IN ('training_jobs', 'training_metrics')").query(String.class).list();
            assertThat(triggers).contains("training_jobs_notify", "training_jobs_audit", "training_jobs_touch",
                    "training_metrics_notify");
            List<String> columns = fresh.sql("SELECT column_name FROM information_schema.columns"
                    + " WHERE table_name = 'training_jobs'").query(String.class).list();
            assertThat(columns).contains("pause_checkpoint_path", "pause_checkpoint_sha256", "pause_checkpoint_size",
                    "pause_checkpoint_epoch", "attempt", "desired_state", "heartbeat_at", "best_val_loss", "best_epoch");

            assertThatThrownBy(() -> fresh.sql("""
                    INSERT INTO training_jobs (id, job_name, job_type, status, config, total_epochs)
                    VALUES (gen_random_uuid(), 'x', 'synthetic_data', 'pending', '{}', 3)""").update())
                    .as("synthetic jobs have no epochs").isInstanceOf(DataIntegrityViolationException.class);
            assertThatThrownBy(() -> fresh.sql("""
                    INSERT INTO training_jobs (id, job_name, job_type, status, config, total_epochs)
                    VALUES (gen_random_uuid(), 'x', 'training', 'bogus', '{}', 3)""").update())
                    .isInstanceOf(DataIntegrityViolationException.class);

            MigrateResult again = Flyway.configure().dataSource(empty).locations("classpath:db/migration").load()
                    .migrate();
            assertThat(again.migrationsExecuted).as("idempotent").isZero();
        } finally {
            sql.sql("DROP DATABASE " + database + " WITH (FORCE)").update();
        }
    }
}
