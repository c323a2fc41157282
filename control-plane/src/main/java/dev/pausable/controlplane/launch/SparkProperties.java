package dev.pausable.controlplane.launch;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the control plane submits the trainer with spark-submit.
 *
 * @param home           SPARK_HOME; unset means no launcher (every submission fails with that reason)
 * @param trainerJar     the trainer's shaded jar (spark-trainer/target/spark-trainer.jar)
 * @param master         {@code local[N]}, {@code spark://host:7077}, {@code yarn}, {@code k8s://…}
 * @param deployMode     {@code client} or {@code cluster}
 * @param checkpointRoot where the trainer writes checkpoints ({@code s3a://bucket/path} or a local directory)
 * @param datasetRoot    where synthetic datasets go when a job names no {@code output_uri}
 * @param logDirectory   one log file per submission ({@code <tag>.log}) in client mode
 * @param conf           Spark settings for every submission (on top of SPARK_HOME/conf/spark-defaults.conf)
 * @param denied         Spark settings a job may never override (see {@link SubmitCommand#DENIED})
 * @param dataRoots      where datasets may be read from and synthetic data written, besides {@code datasetRoot}
 * @param allowed        more patterns of Spark settings a job may set, beyond {@link SparkAllowlist#DEFAULT}
 * @param restUrl        the standalone master's REST gateway for cluster mode; default {@code http://<master host>:6066}
 */
@ConfigurationProperties("pausable.spark")
public record SparkProperties(
        Path home,
        Path trainerJar,
        @DefaultValue("local[2]") String master,
        @DefaultValue("client") String deployMode,
        @DefaultValue("data/checkpoints") String checkpointRoot,
        @DefaultValue("data/datasets") String datasetRoot,
        @DefaultValue("data/spark-logs") Path logDirectory,
        Map<String, String> conf,
        List<String> denied,
        List<String> allowed,
        List<String> dataRoots,
        URI restUrl) {

    public SparkProperties {
        conf = conf == null ? Map.of() : Map.copyOf(conf);
        denied = denied == null ? List.of() : List.copyOf(denied);
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
        dataRoots = dataRoots == null ? List.of() : List.copyOf(dataRoots);
    }

    /** Cluster mode on a standalone master: submitted and tracked through the master's REST API. */
    public boolean standaloneCluster() {
        return "cluster".equals(deployMode) && master.startsWith("spark://");
    }

    /** The REST gateway: as configured, else the first master's host on Spark's default REST port. */
    public URI standaloneRestUrl() {
        if (restUrl != null) {
            return restUrl;
        }
        String firstMaster = master.substring("spark://".length()).split(",")[0];
        String host = firstMaster.contains(":") ? firstMaster.substring(0, firstMaster.lastIndexOf(':')) : firstMaster;
        return URI.create("http://" + host + ":6066");
    }
}
