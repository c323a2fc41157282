package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrentResumeIT extends ApiITBase {

    private static final int CALLERS = 50;

    @Test
    void fiftyConcurrentResumesOfOnePausedJobLaunchExactlyOnce() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);
        forceStatus(job, "running");
        commitPause(job, 5);
        int launchesBefore = launcher.submissions().size();

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        List<Future<Http.Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < CALLERS; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.post("/v1/training/jobs/" + job + "/resume", null);
                }));
            }
            start.countDown();
            List<Http.Response> responses = new ArrayList<>();
            for (Future<Http.Response> answer : answers) {
                responses.add(answer.get());
            }

            List<Http.Response> accepted = responses.stream().filter(r -> r.status() == 202).toList();
            List<Http.Response> refused = responses.stream().filter(r -> r.status() == 400).toList();
            assertThat(accepted).hasSize(1);
            assertThat(refused).hasSize(CALLERS - 1);
            assertThat(refused).allSatisfy(r ->
                    assertThat(r.detail()).isEqualTo("Cannot resume job in status 'queued'"));
            assertThat(accepted.get(0).body().get("submission_id").asString()).isEqualTo("pausable-" + job + "-a2");
        } finally {
            pool.shutdownNow();
        }

        Await.until("the one launch", Duration.ofSeconds(10), () -> launcher.submissions().size() > launchesBefore);
        // Another launch would be a second submission for attempt 3+ or a duplicate of attempt 2.
        assertThat(launcher.submissions().stream().filter(s -> s.request().attempt() >= 2)).hasSize(1);
        Integer attempt = sql.sql("SELECT attempt FROM training_jobs WHERE id = :id").param("id", job)
                .query(Integer.class).single();
        assertThat(attempt).isEqualTo(2);
        Long resumeEvents = sql.sql("SELECT count(*) FROM job_events WHERE job_id = :id AND event_type = 'status'"
                        + " AND from_value = 'paused' AND to_value = 'queued'")
                .param("id", job).query(Long.class).single();
        assertThat(resumeEvents).isEqualTo(1);
    }
}
