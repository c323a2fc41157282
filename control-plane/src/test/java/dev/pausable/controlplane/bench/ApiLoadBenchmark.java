package dev.pausable.controlplane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.job.JobTotals;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Not a test: {@code mvn -B -Pbench verify -pl control-plane -Dit.test=ApiLoadBenchmark}. With
 * {@code bench.jobs} (100,000) jobs in the table: the latency of listing them, one client at a time;
 * then {@code bench.clients} (200) concurrent clients, each with its own operator token, for
 * {@code bench.seconds} (60) on loopback, mixing list, get, pause, resume and cancel on their own jobs.
 * Each part runs twice, side by side: the list's total counted for every request (the baseline), then
 * shared for {@code pausable.api.list-total-max-age}'s default (1 s); the report gives both and their
 * ratios. Reports p50/p99 per endpoint, the answers by status, and errors (5xx or no answer), to
 * target/bench/api-load.txt. Resumes are submitted to the tests' recording launcher: the API's cost, not Spark's.
 */
// The seeded history holds 16,666 running jobs, far beyond any slot limit: admission must not hold the
// benchmark's own jobs back (the recording launcher leaves each one queued).
@TestPropertySource(properties = "pausable.admission.max-running=1000000")
class ApiLoadBenchmark extends ApiITBase {

    private static final int JOBS = Integer.getInteger("bench.jobs", 100_000);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 200);
    private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 60));
    private static final int JOBS_PER_CLIENT = 5;

    private final List<String> report = new ArrayList<>();

    private static final Duration SHARED_TOTAL = Duration.ofSeconds(1);

    @Autowired
    private JobTotals totals;

    /** One run's numbers: per endpoint, its latencies in nanoseconds. */
    private record Run(double requestsPerSecond, Map<String, List<Long>> nanos) {
    }

    @Test
    void concurrentClientsAndAListOfManyJobs() throws Exception {
        UUID dataset = registerDataset();
        seedJobs(dataset);
        Map<String, Run> runs = new LinkedHashMap<>();
        for (Duration maxAge : List.of(Duration.ZERO, SHARED_TOTAL)) {
            totals.maxAge(maxAge);
            String variant = maxAge.isZero() ? "total counted per request" : "total shared for " + maxAge.toMillis()
                    + " ms";
            line("--- %s", variant);
            Map<String, List<Long>> lists = listLatencyWithManyJobs();
            Run concurrent = concurrentClients(dataset);
            lists.putAll(concurrent.nanos());
            runs.put(variant, new Run(concurrent.requestsPerSecond(), lists));
        }
        compare(runs);
        Files.createDirectories(Path.of("target", "bench"));
        Files.write(Path.of("target", "bench", "api-load.txt"), report);
    }

    /** Each measure of the second variant over the first's (below 1: the second is faster). */
    private void compare(Map<String, Run> runs) {
        List<String> variants = new ArrayList<>(runs.keySet());
        Run baseline = runs.get(variants.get(0));
        Run shared = runs.get(variants.get(1));
        line("--- ratios, %s / %s", variants.get(1), variants.get(0));
        line("  requests/s under load: %.2f", shared.requestsPerSecond() / baseline.requestsPerSecond());
        baseline.nanos().forEach((measure, nanos) -> line("  %-50s p50 %.2f, p99 %.2f", measure,
                percentile(shared.nanos().get(measure), 50) / percentile(nanos, 50),
                percentile(shared.nanos().get(measure), 99) / percentile(nanos, 99)));
    }

    /**
     * {@code JOBS} jobs by SQL, as many owners' histories would leave them: mostly finished, some running,
     * created over time (a minute apart).
     */
    private void seedJobs(UUID dataset) {
        sql.sql("""
                        INSERT INTO training_jobs (id, job_name, job_type, status, desired_state, config, dataset_id,
                                                   total_epochs, attempt, submission_id, spark_conf, owner, created_at)
                        SELECT gen_random_uuid(), 'seeded ' || n, 'training',
                               (ARRAY['completed','completed','failed','cancelled','paused','running'])[1 + n % 6],
                               'running', '{}'::jsonb, :dataset, 10, 1, 'seed-' || n, '{}'::jsonb, 'owner-' || (n % 500),
                               now() - n * interval '1 minute'
                        FROM generate_series(1, :jobs) n""")
                .param("dataset", dataset).param("jobs", JOBS).update();
        sql.sql("ANALYZE training_jobs").update();
    }

    private Map<String, List<Long>> listLatencyWithManyJobs() {
        Map<String, List<Long>> byQuery = new LinkedHashMap<>();
        Http viewer = as("list-viewer-" + UUID.randomUUID(), Role.VIEWER);
        for (String query : List.of("", "?status=running", "?offset=50000", "?job_type=training&status=paused")) {
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < 220; i++) {
                long started = System.nanoTime();
                Http.Response response = viewer.get("/v1/training/jobs" + query);
                long took = System.nanoTime() - started;
                assertThat(response.status()).isEqualTo(200);
                if (i >= 20) {
                    nanos.add(took);
                }
            }
            line("list %-36s with %d jobs, 1 client, 200 requests: p50 %.1f ms, p99 %.1f ms",
                    "/v1/training/jobs" + query, JOBS, percentile(nanos, 50), percentile(nanos, 99));
            byQuery.put("1 client: list /v1/training/jobs" + query, nanos);
        }
        return byQuery;
    }

    private Run concurrentClients(UUID dataset) throws Exception {
        Map<String, Queue<Long>> latencies = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(CLIENTS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger errors = new AtomicInteger();
        Queue<String> errorSamples = new ConcurrentLinkedQueue<>();
        for (int c = 0; c < CLIENTS; c++) {
            String name = "client-" + c + "-" + UUID.randomUUID();
            Http client = as(name, Role.OPERATOR);
            List<UUID> own = new ArrayList<>();
            for (int j = 0; j < JOBS_PER_CLIENT; j++) {
                UUID job = createTrainingJob(client, dataset, 10, "");
                forceStatus(job, j % 2 == 0 ? "running" : "paused");
                if (j % 2 == 1) {
                    commitPause(job, 2);
                }
                own.add(job);
            }
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = System.nanoTime() + RUN.toNanos();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    UUID job = own.get(random.nextInt(own.size()));
                    int dice = random.nextInt(100);
                    String endpoint;
                    String method = "POST";
                    String path;
                    if (dice < 40) {
                        endpoint = "list";
                        method = "GET";
                        path = "/v1/training/jobs?limit=20";
                    } else if (dice < 80) {
                        endpoint = "get";
                        method = "GET";
                        path = "/v1/training/jobs/" + job;
                    } else if (dice < 88) {
                        endpoint = "pause";
                        path = "/v1/training/jobs/" + job + "/pause";
                    } else if (dice < 96) {
                        endpoint = "resume";
                        path = "/v1/training/jobs/" + job + "/resume";
                    } else {
                        endpoint = "cancel";
                        path = "/v1/training/jobs/" + job + "/cancel";
                    }
                    long started = System.nanoTime();
                    try {
                        Http.Response response = client.send(method, path, null);
                        latencies.computeIfAbsent(endpoint, k -> new ConcurrentLinkedQueue<>())
                                .add(System.nanoTime() - started);
                        answers.computeIfAbsent(endpoint + " " + response.status(), k -> new AtomicInteger())
                                .incrementAndGet();
                        if (response.status() >= 500) {
                            errors.incrementAndGet();
                            errorSamples.add(endpoint + " " + response.status() + " " + response.raw());
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        errorSamples.add(endpoint + " " + e);
                    }
                }
            }, name);
            threads.add(thread);
            thread.start();
        }
        ready.await();
        long started = System.nanoTime();
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long total = latencies.values().stream().mapToLong(Queue::size).sum();
        line("%d concurrent clients (own operator tokens, %d jobs each) for %.1f s on loopback: %d requests,"
                + " %.0f requests/s, %d errors (5xx or no answer)", CLIENTS, JOBS_PER_CLIENT, seconds, total,
                total / seconds, errors.get());
        Map<String, List<Long>> byEndpoint = new LinkedHashMap<>();
        for (String endpoint : List.of("list", "get", "pause", "resume", "cancel")) {
            List<Long> nanos = new ArrayList<>(latencies.getOrDefault(endpoint, new ConcurrentLinkedQueue<>()));
            line("  %-6s %7d requests: p50 %7.1f ms, p99 %7.1f ms", endpoint, nanos.size(), percentile(nanos, 50),
                    percentile(nanos, 99));
            byEndpoint.put(CLIENTS + " clients: " + endpoint, nanos);
        }
        List<String> statuses = new ArrayList<>();
        answers.forEach((key, count) -> statuses.add(key + ": " + count.get()));
        Collections.sort(statuses);
        line("  answers by endpoint and status: %s", statuses);
        errorSamples.stream().limit(5).forEach(sample -> line("  error: %s", sample));
        return new Run(total / seconds, byEndpoint);
    }

    private static double percentile(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + text);
        report.add(text);
    }
}
