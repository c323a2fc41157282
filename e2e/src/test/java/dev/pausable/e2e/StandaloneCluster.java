package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster from the built SPARK_HOME: one master with its REST submission
 * gateway enabled and {@code workers} workers, each its own JVM on loopback, started and stopped by
 * the test. Workers need {@code SPARK_SCALA_VERSION} to build driver and executor commands.
 */
final class StandaloneCluster implements AutoCloseable {

    final int masterPort;
    final int restPort;
    final int uiPort;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneCluster(Path work) throws IOException {
        this.work = work;
        this.masterPort = ControlPlaneProcess.freePort();
        this.restPort = ControlPlaneProcess.freePort();
        this.uiPort = ControlPlaneProcess.freePort();
    }

    static StandaloneCluster start(Path work, int workers, int coresPerWorker) throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(Files.createDirectories(work));
        try {
            cluster.launch("master", Map.of("SPARK_MASTER_OPTS", "-Dspark.master.rest.enabled=true"
                            + " -Dspark.master.rest.port=" + cluster.restPort),
                    "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(cluster.masterPort), "--webui-port", Integer.toString(cluster.uiPort));
            Await.until("master UI", Duration.ofMinutes(1), () -> cluster.masterState() != null);
            for (int i = 1; i <= workers; i++) {
                Path dir = Files.createDirectories(work.resolve("worker-" + i));
                cluster.launch("worker-" + i, Map.of("SPARK_WORKER_DIR", dir.toString()),
                        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", Integer.toString(coresPerWorker), "--memory", "3g",
                        "--webui-port", Integer.toString(ControlPlaneProcess.freePort()),
                        "--work-dir", dir.toString(), cluster.masterUrl());
            }
            Await.until(workers + " workers alive", Duration.ofMinutes(1), () -> {
                JsonNode state = cluster.masterState();
                int alive = 0;
                for (JsonNode worker : state.path("workers")) {
                    alive += worker.path("state").asText().equals("ALIVE") ? 1 : 0;
                }
                return alive == workers;
            });
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The master's own JSON view (workers, active and completed apps and drivers); null while it is down. */
    JsonNode masterState() {
        try {
            return new Api("http://127.0.0.1:" + uiPort).get("/json/");
        } catch (IOException e) {
            return null;
        }
    }

    /** What the REST gateway says of a driver: driverState, workerHostPort, … */
    JsonNode driverStatus(String driverId) throws IOException {
        return new Api(restUrl()).get("/v1/submissions/status/" + driverId);
    }

    /**
     * {@code spark-submit --kill <driver>} against the master's REST gateway, as an operator would: the
     * worker sends the driver SIGTERM, then SIGKILL after 10 s. Returns spark-submit's output.
     */
    String killWithSparkSubmit(String driverId) throws Exception {
        Process kill = new ProcessBuilder(ControlPlaneProcess.sparkHome().resolve("bin").resolve("spark-submit")
                .toString(), "--master", "spark://127.0.0.1:" + restPort, "--kill", driverId)
                .redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(kill.waitFor(60, TimeUnit.SECONDS)).as("spark-submit --kill ended").isTrue();
        assertThat(kill.exitValue()).as(output).isZero();
        return output;
    }

    private void launch(String name, Map<String, String> env, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ControlPlaneProcess.sparkHome().resolve("bin").resolve("spark-class").toString());
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("SPARK_SCALA_VERSION", "2.12");
        builder.environment().put("SPARK_LOG_DIR", work.toString());
        processes.add(builder.start());
        assertThat(processes.get(processes.size() - 1).isAlive()).as(name + " started").isTrue();
    }

    /**
     * Workers first (their shutdown hooks stop their drivers and executors), then the master. Then the
     * trainer jar each driver and executor was given a copy of goes (logs stay): a test run would
     * otherwise leave gigabytes of copies behind.
     */
    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(work)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList()) {
                Files.deleteIfExists(jar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
