package dev.pausable.controlplane.launch;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one submission passes to spark-submit, built by pure functions so each rule is testable:
 * the trainer's arguments, the Spark settings (operator defaults, then per-job overrides minus the
 * denylist), and the environment that carries the database settings (never the command line).
 */
public record SubmitCommand(String appName, String mainClass, String appResource, String master, String deployMode,
                            Map<String, String> conf, List<String> appArgs, Map<String, String> environment) {

    public static final String MAIN_CLASS = TrainerCommand.MAIN_CLASS;

    /** Settings a job can never override: they decide where it runs, what it reads and who it is. */
    public static final Set<String> DENIED = Set.of(
            "spark.master", "spark.submit.deployMode", "spark.app.name", "spark.jars", "spark.driver.extraClassPath",
            "spark.executor.extraClassPath", "spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions",
            TrainerSettings.CHECKPOINT_ROOT, TrainerSettings.DATASET_ROOT, TrainerSettings.DB_URL.sparkConf(),
            TrainerSettings.DB_USER.sparkConf(), TrainerSettings.DB_PASSWORD.sparkConf(), "spark.kubernetes.container.image",
            "spark.yarn.queue", "spark.yarn.principal", "spark.yarn.keytab");

    /**
     * What the control plane relies on, whatever the operator's or a job's settings say: one driver per
     * attempt (no supervised relaunch loop, no YARN re-attempt, which would race the next attempt),
     * spark-submit waiting for the application (its exit is the attempt's end), and secrets redacted
     * in the Spark UI, event logs and driver logs.
     */
    static final Map<String, String> FORCED = Map.of(
            "spark.driver.supervise", "false",
            "spark.yarn.maxAppAttempts", "1",
            "spark.yarn.submit.waitAppCompletion", "true",
            "spark.kubernetes.submission.waitAppCompletion", "true",
            "spark.redaction.regex", "(?i)secret|password|token|access[.]key|credential");

    /** Prefixes a job can never set: cluster-manager credentials and secrets. */
    private static final List<String> DENIED_PREFIXES = List.of("spark.kubernetes.driver.secret",
            "spark.kubernetes.executor.secret", "spark.kubernetes.authenticate.", "spark.yarn.appMasterEnv.AWS_",
            "spark.executorEnv.AWS_", "spark.kubernetes.driverEnv.AWS_");

    public static SubmitCommand of(LaunchRequest request, SparkProperties spark, DatabaseTarget database) {
        Map<String, String> conf = conf(spark, request.sparkConf());
        clusterDriverEnvironment(spark, database).forEach(conf::putIfAbsent);
        return new SubmitCommand(request.submissionId(), MAIN_CLASS, spark.trainerJar().toAbsolutePath().toString(),
                spark.master(), spark.deployMode(), conf, appArgs(request), environment(database));
    }

    /**
     * A YARN or Kubernetes cluster-mode driver does not inherit spark-submit's environment, so the
     * database URL and user travel as the cluster manager's driver-environment settings. The password
     * never does (it would show on the command line): operators give it with a Kubernetes secretKeyRef
     * or in a spark-defaults.conf only the service user can read.
     */
    static Map<String, String> clusterDriverEnvironment(SparkProperties spark, DatabaseTarget database) {
        if (!"cluster".equals(spark.deployMode())) {
            return Map.of();
        }
        String prefix = spark.master().equals("yarn") ? "spark.yarn.appMasterEnv."
                : spark.master().startsWith("k8s://") ? "spark.kubernetes.driverEnv." : null;
        if (prefix == null) {
            return Map.of();
        }
        Map<String, String> env = new LinkedHashMap<>();
        environment(new DatabaseTarget(database.url(), database.user(), null))
                .forEach((name, value) -> env.put(prefix + name, value));
        return env;
    }

    static List<String> appArgs(LaunchRequest request) {
        return request.command().toArgs();
    }

    static Map<String, String> conf(SparkProperties spark, Map<String, String> jobOverrides) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(TrainerSettings.CHECKPOINT_ROOT, storageUri(spark.checkpointRoot()));
        conf.put(TrainerSettings.DATASET_ROOT, storageUri(spark.datasetRoot()));
        conf.putAll(spark.conf());
        // Checked at creation; checked again for jobs stored before the allowlist existed.
        SparkAllowlist allowlist = new SparkAllowlist(spark.allowed());
        for (Map.Entry<String, String> override : jobOverrides.entrySet()) {
            if (allowlist.allows(override.getKey()) && !isDenied(override.getKey(), spark)) {
                conf.put(override.getKey(), override.getValue());
            }
        }
        conf.putAll(FORCED);
        if (spark.master().startsWith("local")) {
            // A local-mode driver runs on the control plane's host: its UI (job details, settings,
            // endpoints) and RPC listen on loopback only, never on the host's other interfaces.
            conf.put("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    /** Denied: the fixed list, the operator's list, s3a keys, the database, and cluster-manager secrets. */
    static boolean isDenied(String key, SparkProperties spark) {
        return DENIED.contains(key) || spark.denied().contains(key)
                || key.startsWith("spark.hadoop.fs.s3a.") && (key.endsWith(".access.key") || key.endsWith(".secret.key"))
                || key.contains(TrainerSettings.ENVIRONMENT_PREFIX)
                || DENIED_PREFIXES.stream().anyMatch(key::startsWith);
    }


    /** A URI stays as it is; a plain path becomes an absolute file:// URI the driver can use. */
    public static String storageUri(String location) {
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return location;
        }
        return Path.of(location).toAbsolutePath().normalize().toUri().toString();
    }

    static Map<String, String> environment(DatabaseTarget database) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(TrainerSettings.DB_URL.environment(), database.url());
        if (database.user() != null) {
            env.put(TrainerSettings.DB_USER.environment(), database.user());
        }
        if (database.password() != null) {
            env.put(TrainerSettings.DB_PASSWORD.environment(), database.password());
        }
        return env;
    }

    /** Never prints the environment: it carries the database password. */
    @Override
    public String toString() {
        return "SubmitCommand[" + appName + " " + mainClass + " " + appResource + " on " + master + " (" + deployMode
                + "), conf=" + conf + ", args=" + appArgs + ", environment=" + environment.keySet() + "]";
    }

    /** Where the trainer finds PostgreSQL: the control plane's own database. */
    public record DatabaseTarget(String url, String user, String password) {

        @Override
        public String toString() {
            return "DatabaseTarget[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                    + "]";
        }
    }
}
