package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded jar spark-submit gets: our main class in, the cluster's own libraries out. */
class TrainerJarIT {

    @Test
    void holdsTheMainClassAndNoSparkOrHadoop() throws Exception {
        Path jar = Path.of("target", "spark-trainer.jar");
        assertThat(jar).exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(TrainerMain.class.getName());
            assertThat(file.getEntry("dev/pausable/trainer/TrainerMain.class")).isNotNull();
            assertThat(file.getEntry("org/deeplearning4j/nn/graph/ComputationGraph.class")).isNotNull();
            assertThat(file.getEntry("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class")).isNotNull();
            assertThat(file.getEntry("org/deeplearning4j/spark/impl/multilayer/SparkDl4jMultiLayer.class"))
                    .as("the rounds are our own; dl4j-spark is only the benchmark's baseline").isNull();
            assertThat(file.getEntry("org/postgresql/Driver.class")).isNotNull();
            assertThat(file.getEntry("org/apache/spark/SparkContext.class")).isNull();
            assertThat(file.getEntry("org/apache/hadoop/fs/FileSystem.class")).isNull();
            assertThat(file.getEntry("scala/Option.class")).isNull();
            assertThat(file.getEntry("com/amazonaws/services/s3/AmazonS3.class")).isNull();
        }
    }
}
