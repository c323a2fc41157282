package dev.pausable.controlplane.launch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cluster mode on a Spark standalone master, through the master's REST gateway
 * ({@code spark.master.rest.enabled=true}, port 6066) — the protocol spark-submit itself uses for
 * this mode. The create call answers with the driver id at once, and the same API reports and kills
 * the driver later; spark-submit's own handle would only say LOST once it hands the driver over.
 * The trainer jar's path must be readable at the same location on every worker.
 */
class StandaloneClusterLauncher implements JobLauncher {

    private static final Logger log = LoggerFactory.getLogger(StandaloneClusterLauncher.class);
    /** Driver states of Spark's {@code DriverState} that mean the driver is, or will be, running. */
    private static final Set<String> LIVE_STATES = Set.of("SUBMITTED", "RUNNING", "RELAUNCHING", "UNKNOWN");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SparkProperties spark;
    private final SubmitCommand.DatabaseTarget database;
    private final URI rest;
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    StandaloneClusterLauncher(SparkProperties spark, SubmitCommand.DatabaseTarget database) {
        this.spark = spark;
        this.database = database;
        this.rest = spark.standaloneRestUrl();
    }

    @Override
    public Submission submit(LaunchRequest request) throws LaunchException {
        if (spark.trainerJar() == null || !Files.isRegularFile(spark.trainerJar())) {
            throw LaunchException.misconfigured("Trainer jar not found: " + spark.trainerJar()
                    + " (set pausable.spark.trainer-jar)");
        }
        SubmitCommand command = SubmitCommand.of(request, spark, database);
        JsonNode response;
        try {
            response = call(HttpRequest.newBuilder(rest.resolve("/v1/submissions/create"))
                    .header("Content-Type", "application/json;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(createRequest(command)))));
        } catch (IOException e) {
            throw new LaunchException("Spark master REST API at " + rest + " is unreachable: " + e.getMessage(), e);
        }
        String driverId = response.path("submissionId").asString(null);
        if (!response.path("success").asBoolean(false) || driverId == null) {
            throw new LaunchException("Spark master at " + rest + " refused " + command.appName() + ": "
                    + response.path("message").asString("no message"));
        }
        log.info("Submitted {} to {} in cluster mode as {}", command.appName(), command.master(), driverId);
        return new Submission(command.appName(), driverId);
    }

    /** The body of a {@code CreateSubmissionRequest}: what spark-submit would send for this command. */
    Map<String, Object> createRequest(SubmitCommand command) {
        String jar = Path.of(command.appResource()).toUri().toString();
        Map<String, String> properties = SparkSettings.defaultsFile(spark.home());
        properties.putAll(command.conf());
        properties.put("spark.master", command.master());
        properties.put("spark.app.name", command.appName());
        properties.put("spark.submit.deployMode", "cluster");
        properties.put("spark.jars", jar);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "CreateSubmissionRequest");
        body.put("appResource", jar);
        body.put("mainClass", command.mainClass());
        body.put("appArgs", command.appArgs());
        body.put("clientSparkVersion", Optional.ofNullable(SparkLauncher.class.getPackage().getImplementationVersion())
                .orElse("3.5"));
        body.put("environmentVariables", command.environment());
        body.put("sparkProperties", properties);
        return body;
    }

    @Override
    public void kill(Submission submission) {
        if (submission.driverId() == null) {
            return;
        }
        try {
            JsonNode response = call(HttpRequest.newBuilder(rest.resolve("/v1/submissions/kill/" + submission.driverId()))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            log.info("Kill of {} ({}): {}", submission.tag(), submission.driverId(),
                    response.path("message").asString(""));
        } catch (IOException e) {
            log.warn("Could not kill {} ({}) through {}: {}", submission.tag(), submission.driverId(), rest,
                    e.toString());
        }
    }

    @Override
    public Liveness probe(Submission submission) {
        if (submission.driverId() == null) {
            // The master never named a driver for it, so none runs.
            return Liveness.GONE;
        }
        try {
            JsonNode status = call(HttpRequest.newBuilder(
                    rest.resolve("/v1/submissions/status/" + submission.driverId())).GET());
            return LIVE_STATES.contains(status.path("driverState").asString("")) ? Liveness.ALIVE : Liveness.GONE;
        } catch (IOException e) {
            log.debug("Status of {} unknown: {}", submission.driverId(), e.toString());
            return Liveness.UNKNOWN;
        }
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException("not a JSON answer from " + rest + ": " + e.getOriginalMessage(), e);
        }
    }
}
