package dev.pausable.controlplane.launch;

import dev.pausable.controlplane.db.TrainerAccount;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With SPARK_HOME configured ({@code pausable.spark.home}): the standalone master's REST API for
 * cluster mode on {@code spark://}, spark-submit through Spark's launcher library otherwise.
 * Without it, no launcher.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SparkProperties.class)
class LaunchConfiguration {

    @Bean
    JobLauncher jobLauncher(SparkProperties spark, TrainerAccount trainer, ApplicationEventPublisher events) {
        if (spark.home() == null) {
            return new UnconfiguredLauncher();
        }
        if (!trainer.configured()) {
            throw new IllegalStateException("Trainers connect to the database as their own role, never as the"
                    + " control plane: set pausable.trainer-db.password (PAUSABLE_TRAINER_DB_PASSWORD) and, if the"
                    + " login role is not " + TrainerAccount.GROUP_ROLE + ", pausable.trainer-db.username");
        }
        SubmitCommand.DatabaseTarget database = new SubmitCommand.DatabaseTarget(trainer.url(), trainer.username(),
                trainer.password());
        if (spark.standaloneCluster()) {
            return new StandaloneClusterLauncher(spark, database);
        }
        return new SparkJobLauncher(spark, database,
                (tag, state, log) -> events.publishEvent(new LaunchEvents.Ended(tag, state, log)), LocalProcesses.SYSTEM);
    }
}
