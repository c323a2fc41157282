package dev.pausable.controlplane.launch;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * With SPARK_HOME configured ({@code pausable.spark.home}): the standalone master's REST API for
 * cluster mode on {@code spark://}, spark-submit through Spark's launcher library otherwise.
 * Without it, no launcher.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SparkProperties.class)
class LaunchConfiguration {

    @Bean
    JobLauncher jobLauncher(SparkProperties spark, DataSource dataSource, Environment environment,
                            ApplicationEventPublisher events) {
        if (spark.home() == null) {
            return new UnconfiguredLauncher();
        }
        if (!(dataSource instanceof HikariDataSource hikari)) {
            throw new IllegalStateException("Cannot tell the trainer where the database is: "
                    + dataSource.getClass().getName());
        }
        SubmitCommand.DatabaseTarget database = new SubmitCommand.DatabaseTarget(hikari.getJdbcUrl(),
                hikari.getUsername(), environment.getProperty("spring.datasource.password"));
        if (spark.standaloneCluster()) {
            return new StandaloneClusterLauncher(spark, database);
        }
        return new SparkJobLauncher(spark, database,
                (tag, state, log) -> events.publishEvent(new LaunchEvents.Ended(tag, state, log)), LocalProcesses.SYSTEM);
    }
}
