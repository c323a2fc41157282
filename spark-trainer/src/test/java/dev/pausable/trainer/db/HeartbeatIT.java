package dev.pausable.trainer.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.trainer.TrainerFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The driver's heartbeat thread against real PostgreSQL: it beats while the job runs as its attempt. */
class HeartbeatIT {

    private final TrainerFixture fx = TrainerFixture.get();

    @Test
    void beatsWhileTheAttemptOwnsTheRunningJobAndStopsCountingOnceItDoesNot() throws Exception {
        UUID job = fx.insertJob("synthetic_data", "{}", null, 0);
        fx.update("UPDATE training_jobs SET status = 'running', heartbeat_at = now() - interval '1 hour' WHERE id = ?",
                job);
        JobStore store = fx.store(job, 1);
        int eventsBefore = events(job);

        try (Heartbeat ignored = Heartbeat.start(store, Duration.ofMillis(100))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ageSeconds(job) > 60) {
                assertThat(System.nanoTime()).as("heartbeat written within 20 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
        assertThat(events(job)).as("a heartbeat is not audited").isEqualTo(eventsBefore);

        fx.update("UPDATE training_jobs SET attempt = 2 WHERE id = ?", job);
        assertThat(store.heartbeat()).as("attempt 1 no longer owns the job").isFalse();
        fx.update("UPDATE training_jobs SET attempt = 1, status = 'paused' WHERE id = ?", job);
        assertThat(store.heartbeat()).as("a paused job waits on no driver").isFalse();
    }

    private int ageSeconds(UUID job) {
        return fx.queryInt("SELECT extract(epoch FROM now() - heartbeat_at)::int FROM training_jobs WHERE id = ?", job);
    }

    private int events(UUID job) {
        return fx.queryInt("SELECT count(*)::int FROM job_events WHERE job_id = ?", job);
    }
}
