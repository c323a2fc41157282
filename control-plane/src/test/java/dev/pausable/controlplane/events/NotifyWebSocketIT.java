package dev.pausable.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A change written straight into PostgreSQL by another process (here: another connection, as the
 * trainer's driver would) reaches a connected WebSocket client within a second, with no polling.
 */
class NotifyWebSocketIT extends ApiITBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private PgNotificationRelay relay;
    @Autowired
    private JobEventsWebSocket clients;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final List<String> skipped = new ArrayList<>();
    private WebSocket socket;

    @BeforeEach
    void connect() {
        Await.until("LISTEN in place", Duration.ofSeconds(10), relay::isListening);
        int before = clients.clientCount();
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + token("watcher", Role.VIEWER))
                .buildAsync(URI.create("ws://127.0.0.1:" + port() + "/ws"), new Collector(received))
                .join();
        Await.until("client registered", Duration.ofSeconds(5), () -> clients.clientCount() > before);
    }

    @AfterEach
    void disconnect() {
        socket.abort();
    }

    @Test
    void aStatusWrittenByAnotherProcessReachesTheClientWithinOneSecond() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);

        try (Connection trainer = DriverManager.getConnection(jdbcUrl())) {
            long written = System.nanoTime();
            update(trainer, "UPDATE training_jobs SET status = 'running', started_at = now()"
                    + " WHERE id = ? AND attempt = 1", job);

            JsonNode data = awaitUpdate(job, d -> "running".equals(d.get("status").asString()), Duration.ofSeconds(1));
            long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);

            assertThat(data.get("current_epoch").asInt()).isZero();
            assertThat(data.get("total_epochs").asInt()).isEqualTo(10);
            assertThat(data.get("attempt").asInt()).isEqualTo(1);
            assertThat(latencyMs).isLessThan(1000);
        }
    }

    @Test
    void aHeartbeatAloneIsNotAnEvent() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);
        try (Connection trainer = DriverManager.getConnection(jdbcUrl())) {
            update(trainer, "UPDATE training_jobs SET status = 'running' WHERE id = ?", job);
            awaitUpdate(job, d -> "running".equals(d.get("status").asString()), Duration.ofSeconds(1));

            update(trainer, "UPDATE training_jobs SET heartbeat_at = now() WHERE id = ?", job);
            update(trainer, "UPDATE training_jobs SET current_epoch = 1 WHERE id = ?", job);
            awaitUpdate(job, d -> d.get("current_epoch").asInt() == 1, Duration.ofSeconds(1));

            assertThat(skipped).as("no event between the status and the epoch update")
                    .noneMatch(m -> m.contains(job.toString()));
        }
    }

    @Test
    void eachRecordedEpochIsAProgressEvent() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);

        try (Connection trainer = DriverManager.getConnection(jdbcUrl())) {
            update(trainer, "INSERT INTO training_metrics (job_id, attempt, epoch, train_loss, val_loss, learning_rate,"
                    + " duration_ms, samples_per_second) VALUES (?, 1, 1, 0.5, 0.6, 0.001, 4000, 5000)", job);
        }

        JsonNode data = awaitEvent("training_progress", job, d -> true, Duration.ofSeconds(1));
        assertThat(data.get("epoch").asInt()).isEqualTo(1);
        assertThat(data.get("val_loss").asDouble()).isEqualTo(0.6);
        assertThat(data.get("samples_per_second").asDouble()).isEqualTo(5000);
    }

    @Test
    void apiIntentsAreBroadcastToo() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);
        forceStatus(job, "running");

        http.post("/v1/training/jobs/" + job + "/pause", null);

        JsonNode data = awaitUpdate(job, d -> "pausing".equals(d.get("status").asString()), Duration.ofSeconds(1));
        assertThat(data.get("desired_state").asString()).isEqualTo("paused");
    }

    @Test
    void jobUpdatesCarryTheActionsOfferedInTheNewState() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);
        forceStatus(job, "running");
        JsonNode running = awaitUpdate(job, d -> "running".equals(d.get("status").asString()), Duration.ofSeconds(1));
        assertThat(running.get("actions").toString()).isEqualTo("[\"pause\",\"cancel\"]");

        commitPause(job, 3);
        JsonNode paused = awaitUpdate(job, d -> "paused".equals(d.get("status").asString()), Duration.ofSeconds(1));
        assertThat(paused.get("actions").toString()).isEqualTo("[\"resume\"]");
    }

    private JsonNode awaitUpdate(UUID job, Predicate<JsonNode> matches, Duration deadline) throws InterruptedException {
        return awaitEvent("training_job_update", job, matches, deadline);
    }

    /** The data of the first event of that kind for that job that matches; other messages go to {@link #skipped}. */
    private JsonNode awaitEvent(String kind, UUID job, Predicate<JsonNode> matches, Duration deadline)
            throws InterruptedException {
        skipped.clear();
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            String message = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            assertThat(message).as("a matching " + kind + " within " + deadline + "; got " + skipped).isNotNull();
            JsonNode event = JSON.readTree(message);
            JsonNode data = event.get("data");
            if (kind.equals(event.get("event").asString()) && job.toString().equals(data.get("job_id").asString())
                    && matches.test(data)) {
                return data;
            }
            skipped.add(message);
        }
    }

    private String jdbcUrl() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getURL() + "?user=" + connection.getMetaData().getUserName();
        }
    }

    private static void update(Connection connection, String sql, UUID job) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, job);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private record Collector(BlockingQueue<String> sink, StringBuilder partial) implements WebSocket.Listener {

        Collector(BlockingQueue<String> sink) {
            this(sink, new StringBuilder());
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                sink.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
