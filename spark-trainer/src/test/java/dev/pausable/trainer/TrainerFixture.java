package dev.pausable.trainer;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.trainer.db.Database;
import dev.pausable.trainer.db.JobStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.spark.sql.SparkSession;
import org.flywaydb.core.Flyway;

/**
 * What the trainer's integration tests share, started once per test JVM: a real PostgreSQL with the
 * project's migrations, a local Spark session, and file:// roots for datasets and checkpoints.
 */
public final class TrainerFixture {

    private static TrainerFixture instance;

    final EmbeddedPostgres postgres;
    final DataSource dataSource;
    private final Database database;
    public final SparkSession spark;
    public final Path work;
    final Process s3proxy;
    final int s3Port;
    /** A bucket on the real s3proxy, and one whose endpoint nothing listens on ("S3 is down"). */
    public static final String BUCKET = "training";
    static final String DEAD_BUCKET = "unreachable";

    private TrainerFixture() throws IOException {
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "trainer-it")), "run")
                .toAbsolutePath();
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg/data"))
                .setOverrideWorkingDirectory(Files.createDirectories(work.resolve("pg/dist")).toFile())
                .setServerConfig("fsync", "off")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        dataSource = postgres.getPostgresDatabase();
        s3Port = freePort();
        s3proxy = startS3proxy(work.resolve("s3"), s3Port);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        // The trainer's code runs as a deployment runs it: a login role with only pausable_trainer's rights.
        update("CREATE ROLE " + TRAINER_USER + " LOGIN PASSWORD '" + TRAINER_PASSWORD + "' IN ROLE pausable_trainer");
        database = new Database(jdbcUrlForTests(), null, null, Duration.ofSeconds(10));
        SparkSession.Builder builder = SparkSession.builder();
        TrainerMain.SPARK_DEFAULTS.forEach(builder::config);
        spark = builder
                .master("local[2]")
                .appName("trainer-it")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.local.dir", work.resolve("spark").toString())
                .config(TrainerSettings.CHECKPOINT_ROOT, work.resolve("checkpoints").toUri().toString())
                .config(TrainerSettings.DATASET_ROOT, work.resolve("datasets").toUri().toString())
                // Every round is recorded, so a test's intent trigger fires at exactly the round it names.
                .config(TrainerSettings.ROUND_REPORT_MILLIS, "0")
                .getOrCreate();
        configureS3a(spark.sparkContext().hadoopConfiguration());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            spark.stop();
            s3proxy.destroy();
            try {
                postgres.close();
            } catch (IOException ignored) {
                // JVM is exiting.
            }
        }));
    }

    static final String TRAINER_USER = "it_trainer";
    private static final String TRAINER_PASSWORD = UUID.randomUUID().toString();
    private static final String ACCESS_KEY = "it-" + UUID.randomUUID();
    private static final String SECRET_KEY = UUID.randomUUID().toString();

    /** s3proxy with its filesystem backend, as its own JVM; returns once it answers on the port. */
    private static Process startS3proxy(Path root, int port) throws IOException {
        Path jar = Path.of(System.getProperty("s3proxyJar", "target/s3proxy/s3proxy-jar-with-dependencies.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("s3proxy jar missing at " + jar + " (copied by the pre-integration-test phase)");
        }
        Files.createDirectories(root.resolve("blobs").resolve(BUCKET));
        Path properties = root.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + root.resolve("blobs")));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("s3proxy.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited; see " + root.resolve("s3proxy.log"));
            }
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return process;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        process.destroy();
        throw new IllegalStateException("s3proxy did not start on port " + port);
    }

    /** The bounded s3a settings of conf/spark-defaults.conf, pointed at the test's s3proxy. */
    private void configureS3a(org.apache.hadoop.conf.Configuration hadoop) throws IOException {
        hadoop.set("fs.s3a.endpoint", "http://127.0.0.1:" + s3Port);
        hadoop.set("fs.s3a.access.key", ACCESS_KEY);
        hadoop.set("fs.s3a.secret.key", SECRET_KEY);
        hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        hadoop.set("fs.s3a.path.style.access", "true");
        hadoop.set("fs.s3a.connection.ssl.enabled", "false");
        hadoop.set("fs.s3a.change.detection.mode", "client");
        hadoop.set("fs.s3a.attempts.maximum", "2");
        hadoop.set("fs.s3a.retry.limit", "2");
        hadoop.set("fs.s3a.retry.interval", "500ms");
        hadoop.set("fs.s3a.retry.throttle.limit", "2");
        hadoop.set("fs.s3a.connection.establish.timeout", "5000");
        hadoop.set("fs.s3a.connection.timeout", "10000");
        hadoop.set("fs.s3a.bucket.probe", "0");
        hadoop.set("fs.s3a.directory.marker.retention", "keep");
        hadoop.set("fs.s3a.bucket." + DEAD_BUCKET + ".endpoint", "http://127.0.0.1:" + freePort());
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static synchronized TrainerFixture get() {
        if (instance == null) {
            try {
                instance = new TrainerFixture();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Where the trainer's code connects: as {@link #TRAINER_USER}, a member of {@code pausable_trainer}. */
    public String jdbcUrlForTests() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=" + TRAINER_USER
                + "&password=" + TRAINER_PASSWORD;
    }

    /** Stores share one connection, as one driver's writes do. */
    public Database database() {
        return database;
    }

    public JobStore store(UUID jobId, int attempt) {
        return new JobStore(database, jobId, attempt);
    }

    /** Inserts a job as the control plane would have queued it. */
    public UUID insertJob(String type, String configJson, UUID datasetId, int totalEpochs) {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO training_jobs (id, job_name, job_type, status, desired_state, config, dataset_id,
                                           total_epochs, attempt, submission_id)
                VALUES (?, 'it', ?, 'queued', 'running', CAST(? AS jsonb), ?, ?, 1, 'it')""",
                id, type, configJson, datasetId, totalEpochs);
        return id;
    }

    /** Runs a synthetic-data job (seed 1, 4 partitions) and returns the dataset it registered. */
    public UUID generateDataset(int rows, int receivers, double areaSizeM, double shadowingSigmaDb) {
        return generateDataset(rows, receivers, areaSizeM, shadowingSigmaDb, 0);
    }

    /** The same with a signal window of {@code window} samples per receiver as the dataset's feature column. */
    public UUID generateDataset(int rows, int receivers, double areaSizeM, double shadowingSigmaDb, int window) {
        UUID job = insertJob("synthetic_data", String.format(java.util.Locale.ROOT, "{\"num_samples\": %d,"
                + " \"seed\": 1, \"num_receivers\": %d, \"partitions\": 4, \"area_size_m\": %s,"
                + " \"path_loss_exponent\": 3.0, \"shadowing_sigma_db\": %s, \"tx_power_dbm\": 20,"
                + " \"signal_window\": %d}", rows, receivers, areaSizeM, shadowingSigmaDb, window), null, 0);
        try {
            new Trainer(spark, store(job, 1)).run(new TrainerCommand(job, 1, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return UUID.fromString(queryString("SELECT dataset_id FROM training_jobs WHERE id = ?", job));
    }

    /** What the control plane's resume does: PAUSED -> QUEUED with the next attempt. */
    int resume(UUID jobId) {
        update("""
                UPDATE training_jobs SET status = 'queued', desired_state = 'running', attempt = attempt + 1
                WHERE id = ? AND status = 'paused'""", jobId);
        return queryInt("SELECT attempt FROM training_jobs WHERE id = ?", jobId);
    }

    /**
     * A trigger that asks for a pause when the job records the given epoch, exactly as the API's
     * pause does (status PAUSING, desired PAUSED): a deterministic stand-in for an operator's click.
     */
    void pauseWhenEpochRecorded(UUID jobId, int epoch) {
        intentWhenEpochRecorded(jobId, epoch, "pausing", "paused");
    }

    /** Same for a cancel (status CANCELLING, desired CANCELLED). */
    void cancelWhenEpochRecorded(UUID jobId, int epoch) {
        intentWhenEpochRecorded(jobId, epoch, "cancelling", "cancelled");
    }

    /** A pause asked for at a round, set when the job records {@code round} rounds into the epoch after {@code epoch}. */
    void pauseWhenRoundRecorded(UUID jobId, int epoch, int round) {
        intentWhen(jobId, roundRecorded(epoch, round), "pausing", "paused", "round");
    }

    /** A cancel, set when the job records {@code round} rounds into the epoch after {@code epoch}. */
    void cancelWhenRoundRecorded(UUID jobId, int epoch, int round) {
        intentWhen(jobId, roundRecorded(epoch, round), "cancelling", "cancelled", "epoch");
    }

    private static String roundRecorded(int epoch, int round) {
        return "NEW.current_epoch = " + epoch + " AND NEW.current_round = " + round + " AND OLD.current_round <> "
                + round;
    }

    private void intentWhenEpochRecorded(UUID jobId, int epoch, String status, String desired) {
        intentWhen(jobId, "NEW.current_epoch = " + epoch + " AND OLD.current_epoch <> " + epoch, status, desired,
                "epoch");
    }

    /** A trigger that sets the intent (as the API does) when the job's row update meets {@code condition}. */
    private void intentWhen(UUID jobId, String condition, String status, String desired, String pauseAt) {
        String name = "pause_" + jobId.toString().replace("-", "");
        update("CREATE OR REPLACE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF " + condition + " AND NEW.status = 'running' THEN NEW.status := '" + status
                + "'; NEW.desired_state := '" + desired + "'; NEW.pause_at := '" + pauseAt + "'; END IF;"
                + " RETURN NEW; END $$");
        update("DROP TRIGGER IF EXISTS " + name + " ON training_jobs");
        update("CREATE TRIGGER " + name + " BEFORE UPDATE ON training_jobs FOR EACH ROW WHEN (NEW.id = '"
                + jobId + "') EXECUTE FUNCTION " + name + "()");
    }

    /** Polls the job's status until it is {@code status}; fails past the deadline. */
    public void awaitStatus(UUID jobId, String status, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!status.equals(queryString("SELECT status FROM training_jobs WHERE id = ?", jobId))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Job " + jobId + " not " + status + " within " + deadline);
            }
            Thread.sleep(100);
        }
    }

    void clearPauseTriggers(UUID jobId) {
        update("DROP TRIGGER IF EXISTS pause_" + jobId.toString().replace("-", "") + " ON training_jobs");
    }

    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String queryString(String sql, Object... params) {
        List<String> values = queryStrings(sql, params);
        return values.isEmpty() ? null : values.get(0);
    }

    public int queryInt(String sql, Object... params) {
        return Integer.parseInt(queryString(sql, params));
    }

    public List<String> queryStrings(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
