package dev.pausable.controlplane.launch;

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
        List<String> denied) {

    public SparkProperties {
        conf = conf == null ? Map.of() : Map.copyOf(conf);
        denied = denied == null ? List.of() : List.copyOf(denied);
    }
}
