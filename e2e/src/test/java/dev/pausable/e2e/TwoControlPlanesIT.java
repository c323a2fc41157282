package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two control planes serve one database; the first to start leads (it admits and launches, reconciles,
 * sweeps). A job created through the follower runs in cluster mode on a real standalone cluster; the
 * leader is killed with SIGKILL mid-run; the follower takes the lead within 30 s, re-adopts the driver
 * from the cluster manager, and the job completes as its one and only launch. Jobs created after the
 * takeover are launched by the new leader.
 */
class TwoControlPlanesIT {

    private static final Duration RUN = Duration.ofMinutes(5);
    private static final String LEADS = "This control plane leads";

    @Test
    void theFollowerTakesOverFromAKilledLeaderWithoutFailingOrRelaunchingAClusterJob() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "e2e")).resolve("two-cp-" + System.nanoTime())
                .toAbsolutePath();
        int databasePort = ControlPlaneProcess.freePort();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg"))
                .setPort(databasePort).setServerConfig("listen_addresses", "127.0.0.1").start()) {
            ControlPlaneProcess first = ControlPlaneProcess.create("two-cp",
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres",
                    "--spring.datasource.username=postgres",
                    "--pausable.trainer-db.password=" + UUID.randomUUID(),
                    "--pausable.leadership.check-interval=2s",
                    "--pausable.reconciler.interval=2s",
                    "--pausable.spark.deploy-mode=cluster",
                    "--pausable.spark.conf[spark.cores.max]=2",
                    "--pausable.spark.conf[spark.executor.memory]=1g");
            try (StandaloneCluster cluster = StandaloneCluster.start(first.work.resolve("cluster"), 2, 2);
                 ControlPlaneProcess leader = first.withArgs("--pausable.spark.master=" + cluster.masterUrl(),
                         "--pausable.spark.rest-url=" + cluster.restUrl()).start()) {
                Await.until("the first control plane leads", Duration.ofSeconds(30),
                        () -> leader.logLines().stream().anyMatch(l -> l.contains(LEADS)));
                try (ControlPlaneProcess follower = leader.another().start()) {
                    Api api = follower.api;
                    String dataset = api.syntheticDataset(3000, 5);
                    String id = api.train(dataset, "Outlives its leader", 24, 23, "\"averaging_frequency\": 1");
                    JsonNode running = api.awaitRunningAtEpoch(id, 1, RUN);
                    String driver = running.get("spark_driver_id").asText();
                    assertThat(driver).startsWith("driver-");
                    assertThat(follower.logLines()).as("the follower launched nothing").noneMatch(
                            l -> l.contains(LEADS) || l.contains("admitted"));

                    long killed = System.nanoTime();
                    leader.kill();
                    Await.until("the follower leads", Duration.ofSeconds(30),
                            () -> follower.logLines().stream().anyMatch(l -> l.contains(LEADS)));
                    Duration takeover = Duration.ofNanos(System.nanoTime() - killed);

                    JsonNode completed = api.awaitStatus(id, "completed", RUN);
                    assertThat(completed.get("attempt").asInt()).as("never relaunched").isEqualTo(1);
                    assertThat(completed.get("restart_count").asInt()).isZero();
                    assertThat(completed.get("spark_driver_id").asText()).isEqualTo(driver);
                    List<String> trail = api.statusTrail(id);
                    assertThat(trail).doesNotContain("failed");
                    assertThat(trail.stream().filter("running"::equals)).as("one driver ever ran it: " + trail).hasSize(1);
                    Await.until("the master lists the job's one application as completed", Duration.ofMinutes(1),
                            () -> cluster.masterState().path("completedapps").findValuesAsText("name")
                                    .contains("pausable-" + id + "-a1"));
                    List<String> apps = cluster.masterState().path("completedapps").findValuesAsText("name");
                    assertThat(apps.stream().filter(name -> name.startsWith("pausable-" + id))).as("launched once")
                            .containsExactly("pausable-" + id + "-a1");

                    // The new leader admits and launches what is created now.
                    String after = api.syntheticDataset(1000, 6);
                    assertThat(after).isNotBlank();
                    System.out.printf("%nTwo control planes: leader SIGKILLed at epoch %d of job %s; follower led"
                            + " after %d ms; job completed as attempt 1 on driver %s%n",
                            running.get("current_epoch").asInt(), id, takeover.toMillis(), driver);
                }
            }
        }
    }
}
