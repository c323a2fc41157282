package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.TrainerSettings;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The trainer settings the averaging master reads from the Spark configuration. */
class AveragingSettingsTest {

    private static int threads(int workers, String... settings) {
        SparkConf conf = new SparkConf(false);
        for (int i = 0; i < settings.length; i += 2) {
            conf.set(settings[i], settings[i + 1]);
        }
        return OrderedParameterAveragingMaster.threadsPerTask(conf, workers);
    }

    @Test
    void localCoresAreSharedByTheTasksThatRunAtOnce() {
        assertThat(threads(2, "spark.master", "local[2]")).isEqualTo(1);
        assertThat(threads(1, "spark.master", "local[2]")).isEqualTo(2);
        assertThat(threads(3, "spark.master", "local[2]")).isEqualTo(1);
        assertThat(threads(2, "spark.master", "local[8]")).isEqualTo(4);
        assertThat(threads(2, "spark.master", "local")).isEqualTo(1);
    }

    @Test
    void anExecutorsCoresAreSharedByTheJobsTasksThatFitOnIt() {
        assertThat(threads(2, "spark.master", "spark://m:7077", "spark.executor.cores", "8")).isEqualTo(4);
        assertThat(threads(16, "spark.master", "spark://m:7077", "spark.executor.cores", "8")).isEqualTo(1);
        assertThat(threads(16, "spark.master", "yarn", "spark.executor.cores", "8", "spark.task.cpus", "4"))
                .isEqualTo(4);
        assertThat(threads(2, "spark.master", "spark://m:7077")).as("cores unknown: ND4J's own choice").isZero();
    }

    @Test
    void aNumberIsTakenAsSet() {
        assertThat(threads(2, "spark.master", "local[2]", TrainerSettings.THREADS_PER_TASK, "2")).isEqualTo(2);
        assertThat(threads(2, "spark.master", "local[2]", TrainerSettings.THREADS_PER_TASK, "0")).isZero();
    }

    @Test
    void roundsGoThroughTheExchangeUnlessItIsOff() {
        assertThat(OrderedParameterAveragingMaster.exchange(new SparkConf(false))).isTrue();
        assertThat(OrderedParameterAveragingMaster.exchange(new SparkConf(false)
                .set(TrainerSettings.ROUND_EXCHANGE, "off"))).isFalse();
        assertThatThrownBy(() -> OrderedParameterAveragingMaster.exchange(new SparkConf(false)
                .set(TrainerSettings.ROUND_EXCHANGE, "on")))
                .hasMessage("spark.pausable.roundExchange is 'auto' or 'off', not 'on'");
    }
}
