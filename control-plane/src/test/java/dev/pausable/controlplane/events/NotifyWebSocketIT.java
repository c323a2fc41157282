package dev.pausable.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.db.TrainerAccount;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import java.net.Socket;
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
    @Autowired
    private TrainerAccount trainerAccount;

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

        try (Connection trainer = trainerConnection()) {
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
        try (Connection trainer = trainerConnection()) {
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

        try (Connection trainer = trainerConnection()) {
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

    @Test
    void aClientThatStopsReadingIsDroppedAndDelaysNobodyElse() throws Exception {
        int before = clients.clientCount();
        try (Socket stuck = stuckClient()) {
            Await.until("stuck client registered", Duration.ofSeconds(5), () -> clients.clientCount() == before + 1);
            // Waves the reading client keeps up with (each within the per-client queue of 64): the stuck one
            // falls further behind with every wave until it is disconnected.
            String big = "{\"event\": \"flood\", \"data\": {\"padding\": \"" + "x".repeat(256 * 1024) + "\"}}";
            for (int wave = 0; wave < 4 && clients.clientCount() > before; wave++) {
                long started = System.nanoTime();
                for (int i = 0; i < 40; i++) {
                    clients.broadcast(big);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("broadcasting only queues")
                        .isLessThan(Duration.ofSeconds(2));
                for (int i = 0; i < 40; i++) {
                    String message = received.poll(30, TimeUnit.SECONDS);
                    assertThat(message).as("the reading client gets wave " + wave).isNotNull().startsWith("{\"event\": \"flood\"");
                }
            }
            Await.until("the stuck client dropped", Duration.ofSeconds(30), () -> clients.clientCount() == before);
            // The reading client got the whole flood and hears the next job change as usual.
            UUID job = createTrainingJob(registerDataset(), 10);
            forceStatus(job, "running");
            awaitUpdate(job, d -> "running".equals(d.get("status").asString()), Duration.ofSeconds(10));
        }
    }

    /** A WebSocket client that completes the handshake and then never reads a byte. */
    private Socket stuckClient() throws Exception {
        Socket socket = new Socket("127.0.0.1", port());
        socket.setReceiveBufferSize(4096);
        String key = java.util.Base64.getEncoder().encodeToString(new byte[16]);
        socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token("stuck", Role.VIEWER) + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("handshake answered: " + head).isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }

    @Test
    void theListenConnectionIsProbedSoAHalfOpenOneWouldBeReplaced() {
        long probes = relay.probes();
        Await.until("a keepalive probe answered", Duration.ofSeconds(10), () -> relay.probes() > probes);
        assertThat(relay.isListening()).isTrue();
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

    /** What a driver writes, it writes as the trainers' database role. */
    private Connection trainerConnection() throws Exception {
        return DriverManager.getConnection(trainerAccount.url(), trainerAccount.username(), trainerAccount.password());
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
