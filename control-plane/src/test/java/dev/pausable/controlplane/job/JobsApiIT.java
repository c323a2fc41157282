package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.Http;
import dev.pausable.controlplane.support.Networks;
import dev.pausable.controlplane.support.RecordingLauncher;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class JobsApiIT extends ApiITBase {

    private static final String JOBS = "/v1/training/jobs";

    @Autowired
    private JobTotals totals;

    @Test
    void createsATrainingJobWithDefaultsAndLaunchesItAfterCommit() {
        UUID dataset = registerDataset();
        Http.Response created = http.post(JOBS, """
                {"job_name": "Pause Resume Test",
                 "config": {"dataset_id": "%s", "epochs": 20, "batch_size": 16, "learning_rate": 0.001}}
                """.formatted(dataset));

        assertThat(created.status()).isEqualTo(201);
        JsonNode job = created.body();
        UUID id = UUID.fromString(job.get("id").asString());
        assertThat(created.location()).endsWith(JOBS + "/" + id);
        assertThat(job.get("status").asString()).isEqualTo("pending");
        assertThat(job.get("desired_state").asString()).isEqualTo("running");
        assertThat(job.get("job_type").asString()).isEqualTo("training");
        assertThat(job.get("total_epochs").asInt()).isEqualTo(20);
        assertThat(job.get("current_epoch").asInt()).isZero();
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        assertThat(job.get("dataset_id").asString()).isEqualTo(dataset.toString());
        assertThat(job.get("submission_id").asString()).isEqualTo("pausable-" + id + "-a1");
        JsonNode config = job.get("config");
        assertThat(config.get("workers").asInt()).isEqualTo(2);
        assertThat(config.get("validation_split").asDouble()).isEqualTo(0.2);
        assertThat(config.get("model").toString()).isEqualTo("{\"type\":\"mlp\",\"hidden_layers\":[64,64]}");
        assertThat(config.get("optimizer").asString()).isEqualTo("adam");
        assertThat(config.get("lr_schedule").get("type").asString()).isEqualTo("none");
        assertThat(config.get("early_stop_patience").asInt()).isZero();
        assertThat(config.get("averaging_frequency").asInt()).isEqualTo(5);
        assertThat(config.get("seed").isIntegralNumber()).as("seed drawn and stored").isTrue();

        queued(id);
        RecordingLauncher.Recorded submission = launcher.submissions().get(0);
        assertThat(submission.request().jobId()).isEqualTo(id);
        assertThat(submission.request().attempt()).isEqualTo(1);
        assertThat(submission.request().checkpoint()).isNull();
        assertThat(submission.committedStatus()).as("row visible to others: the transaction had committed")
                .isEqualTo("pending");
        assertThat(http.get(JOBS + "/" + id).body().get("submission_id").asString()).isEqualTo("pausable-" + id + "-a1");
    }

    @Test
    void keepsAnExplicitSeedAndOptions() {
        UUID dataset = registerDataset();
        Http.Response created = http.post(JOBS, """
                {"job_name": "opts", "job_type": "training",
                 "config": {"dataset_id": "%s", "epochs": 5, "batch_size": 8, "learning_rate": 0.01, "seed": 7,
                            "workers": 3, "hidden_layers": [16], "optimizer": "nesterovs",
                            "lr_schedule": {"type": "step", "gamma": 0.5, "step_epochs": 2},
                            "early_stop_patience": 3, "averaging_frequency": 2, "checkpoint_every_epochs": 1}}
                """.formatted(dataset));
        assertThat(created.status()).isEqualTo(201);
        JsonNode config = created.body().get("config");
        assertThat(config.get("seed").asLong()).isEqualTo(7);
        assertThat(config.get("workers").asInt()).isEqualTo(3);
        assertThat(config.get("lr_schedule").get("step_epochs").asInt()).isEqualTo(2);
        assertThat(config.get("checkpoint_every_epochs").asInt()).isEqualTo(1);
    }

    static Stream<Arguments> invalidTrainingConfigs() {
        return Stream.of(
                Arguments.of("\"epochs\": 0", "config.epochs"),
                Arguments.of("\"epochs\": 10001", "config.epochs"),
                Arguments.of("\"epochs\": 2.5", "config.epochs"),
                Arguments.of("\"epochs\": \"ten\"", "config.epochs"),
                Arguments.of("\"batch_size\": 0", "config.batch_size"),
                Arguments.of("\"batch_size\": 4097", "config.batch_size"),
                Arguments.of("\"learning_rate\": 0", "config.learning_rate"),
                Arguments.of("\"learning_rate\": -0.1", "config.learning_rate"),
                Arguments.of("\"workers\": 0", "config.workers"),
                Arguments.of("\"validation_split\": 0.9", "config.validation_split"),
                Arguments.of("\"hidden_layers\": []", "config.hidden_layers"),
                Arguments.of("\"hidden_layers\": [8, 0]", "config.hidden_layers[1]"),
                Arguments.of("\"model\": {\"type\": \"mlp\", \"hidden_layers\": [0]}", "config.model.hidden_layers[0]"),
                Arguments.of("\"model\": {\"type\": \"mlp\", \"dropout\": 0.5}", "config.model.dropout"),
                Arguments.of("\"model\": {\"type\": \"dl4j\", \"configuration\": 3}", "config.model.configuration"),
                Arguments.of("\"optimizer\": \"lbfgs\"", "config.optimizer"),
                Arguments.of("\"lr_schedule\": {\"type\": \"cosine\"}", "config.lr_schedule.type"),
                Arguments.of("\"lr_schedule\": {\"type\": \"step\", \"gamma\": 0.5}", "config.lr_schedule.step_epochs"),
                Arguments.of("\"lr_schedule\": {\"type\": \"exponential\", \"gamma\": 1.5}", "config.lr_schedule.gamma"),
                Arguments.of("\"lr_schedule\": {\"type\": \"none\", \"warmup\": 3}", "config.lr_schedule.warmup"),
                Arguments.of("\"early_stop_patience\": -1", "config.early_stop_patience"),
                Arguments.of("\"averaging_frequency\": 0", "config.averaging_frequency"),
                Arguments.of("\"checkpoint_every_epochs\": -2", "config.checkpoint_every_epochs"),
                Arguments.of("\"momentum\": 0.9", "config.momentum"));
    }

    @Test
    void keepsAJobsSparkSettingsAndPassesThemToEverySubmission() {
        UUID dataset = registerDataset();
        Http.Response created = http.post(JOBS, """
                {"job_name": "tuned", "spark_conf": {"spark.executor.memory": "6g", "spark.task.cpus": "2",
                                                    "spark.executor.resource.gpu.amount": "1"},
                 "config": {"dataset_id": "%s", "epochs": 5, "batch_size": 8, "learning_rate": 0.01}}
                """.formatted(dataset));
        assertThat(created.status()).isEqualTo(201);
        UUID id = UUID.fromString(created.body().get("id").asString());
        JsonNode stored = created.body().get("spark_conf");
        assertThat(stored.size()).isEqualTo(3);
        assertThat(stored.get("spark.executor.memory").asString()).isEqualTo("6g");
        assertThat(stored.get("spark.task.cpus").asString()).isEqualTo("2");
        queued(id);
        forceStatus(id, "running");
        commitPause(id, 2);
        assertThat(http.post(JOBS + "/" + id + "/resume", null).status()).isEqualTo(202);

        Await.until("resume submitted", Duration.ofSeconds(10), () -> launcher.submissions().size() == 2);
        assertThat(launcher.submissions()).extracting(s -> s.request().sparkConf()).containsOnly(
                java.util.Map.of("spark.executor.memory", "6g", "spark.task.cpus", "2",
                        "spark.executor.resource.gpu.amount", "1"));
    }

    /** Each would run code on the control plane's host or a driver, or send data elsewhere (issue 12). */
    static Stream<Arguments> settingsOutsideTheAllowlist() {
        return Stream.of("spark.driver.defaultJavaOptions", "spark.executor.defaultJavaOptions", "spark.jars.packages",
                        "spark.jars.repositories", "spark.jars.ivySettings", "spark.plugins", "spark.extraListeners",
                        "spark.executorEnv.JAVA_TOOL_OPTIONS", "spark.kubernetes.driver.container.image",
                        "spark.kubernetes.executor.container.image", "spark.kubernetes.driver.podTemplateFile",
                        "spark.kubernetes.executor.podTemplateFile",
                        "spark.kubernetes.executor.volumes.hostPath.root.mount.path",
                        "spark.kubernetes.executor.volumes.hostPath.root.options.path", "spark.redaction.regex",
                        "spark.driver.supervise", "spark.yarn.submit.waitAppCompletion",
                        "spark.kubernetes.submission.waitAppCompletion", "spark.standalone.submit.waitAppCompletion",
                        "spark.yarn.maxAppAttempts", "spark.hadoop.fs.s3a.endpoint",
                        "spark.hadoop.fs.s3a.bucket.training.endpoint", "spark.hadoop.fs.s3a.aws.credentials.provider",
                        "spark.executor.resource.gpu.discoveryScript", "spark.pausable.checkpointRoot")
                .map(key -> Arguments.of("{\"" + key + "\": \"x\"}", "spark_conf." + key,
                        "Field 'spark_conf." + key + "' cannot be overridden by a job"));
    }

    @ParameterizedTest(name = "{1} -> 400")
    @MethodSource("settingsOutsideTheAllowlist")
    void refusesEverySettingOutsideTheAllowlist(String sparkConf, String field, String detail) {
        refusesDeniedOrMalformedSparkSettingsNamingThem(sparkConf, field, detail);
    }

    static Stream<Arguments> invalidSparkConfs() {
        return Stream.of(
                Arguments.of("{\"spark.master\": \"local[*]\"}", "spark_conf.spark.master",
                        "Field 'spark_conf.spark.master' cannot be overridden by a job"),
                Arguments.of("{\"spark.driver.extraJavaOptions\": \"-Dx=1\"}", "spark_conf.spark.driver.extraJavaOptions",
                        "Field 'spark_conf.spark.driver.extraJavaOptions' cannot be overridden by a job"),
                Arguments.of("{\"spark.hadoop.fs.s3a.bucket.b.secret.key\": \"k\"}",
                        "spark_conf.spark.hadoop.fs.s3a.bucket.b.secret.key",
                        "Field 'spark_conf.spark.hadoop.fs.s3a.bucket.b.secret.key' cannot be overridden by a job"),
                Arguments.of("{\"spark.executor.memory\": 6}", "spark_conf.spark.executor.memory",
                        "Field 'spark_conf.spark.executor.memory' must be a string"),
                Arguments.of("{\"executor.memory\": \"6g\"}", "spark_conf.executor.memory",
                        "Field 'spark_conf.executor.memory' is not a Spark setting (keys look like 'spark.executor.memory')"),
                Arguments.of("[\"spark.executor.memory=6g\"]", "spark_conf",
                        "Field 'spark_conf' must be a JSON object of Spark settings"));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("invalidSparkConfs")
    void refusesDeniedOrMalformedSparkSettingsNamingThem(String sparkConf, String field, String detail) {
        UUID dataset = registerDataset();
        Http.Response response = http.post(JOBS, """
                {"job_name": "bad", "spark_conf": %s,
                 "config": {"dataset_id": "%s", "epochs": 5, "batch_size": 8, "learning_rate": 0.01}}
                """.formatted(sparkConf, dataset));

        assertProblem(response, 400);
        assertThat(response.body().get("field").asString()).isEqualTo(field);
        assertThat(response.detail()).isEqualTo(detail);
        assertThat(countJobs()).as("nothing stored").isZero();
        assertThat(launcher.submissions()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @MethodSource("invalidTrainingConfigs")
    void rejectsInvalidTrainingConfigNamingTheField(String override, String field) {
        UUID dataset = registerDataset();
        String base = "\"dataset_id\": \"%s\", \"epochs\": 3, \"batch_size\": 16, \"learning_rate\": 0.001"
                .formatted(dataset);
        String key = override.substring(0, override.indexOf(':'));
        String config = base.contains(key) ? base.replaceAll(key + ": [^,]+", override) : base + ", " + override;

        Http.Response response = http.post(JOBS, "{\"job_name\": \"bad\", \"config\": {" + config + "}}");

        assertProblem(response, 400);
        assertThat(response.body().get("field").asString()).isEqualTo(field);
        assertThat(response.detail()).contains("'" + field + "'");
        assertThat(countJobs()).as("nothing stored").isZero();
        assertThat(launcher.submissions()).isEmpty();
    }

    @Test
    void rejectsRequestsWithMissingOrUnknownTopLevelFields() {
        UUID dataset = registerDataset();
        String config = "{\"dataset_id\": \"" + dataset + "\", \"epochs\": 3, \"batch_size\": 16, \"learning_rate\": 0.001}";
        assertField(http.post(JOBS, "{\"config\": " + config + "}"), "job_name");
        assertField(http.post(JOBS, "{\"job_name\": \"x\"}"), "config");
        assertField(http.post(JOBS, "{\"job_name\": \"x\", \"config\": [1]}"), "config");
        assertField(http.post(JOBS, "{\"job_name\": \"x\", \"job_type\": \"inference\", \"config\": " + config + "}"),
                "job_type");
        assertField(http.post(JOBS, "{\"job_name\": \"x\", \"urgency\": 1, \"config\": " + config + "}"), "urgency");
        assertField(http.post(JOBS, "{\"job_name\": \"x\", \"config\": {\"epochs\": 3, \"batch_size\": 16,"
                + " \"learning_rate\": 0.001}}"), "config.dataset_id");
        assertField(http.post(JOBS, "{\"job_name\": \"x\", \"config\": {\"dataset_id\": \"not-a-uuid\", \"epochs\": 3,"
                + " \"batch_size\": 16, \"learning_rate\": 0.001}}"), "config.dataset_id");
        Http.Response unknownDataset = http.post(JOBS, "{\"job_name\": \"x\", \"config\": {\"dataset_id\": \""
                + UUID.randomUUID() + "\", \"epochs\": 3, \"batch_size\": 16, \"learning_rate\": 0.001}}");
        assertField(unknownDataset, "config.dataset_id");
        assertThat(unknownDataset.detail()).contains("names no registered dataset");
        assertThat(countJobs()).isZero();
    }

    @Test
    void answersMalformedInputWithProblemDetailsNever500() {
        assertProblem(http.post(JOBS, "{\"job_name\": "), 400);
        assertProblem(http.post(JOBS, "not json at all"), 400);
        assertProblem(http.post(JOBS, null), 400);
        assertProblem(http.get(JOBS + "/not-a-uuid"), 400);
        assertProblem(http.post(JOBS + "/not-a-uuid/pause", null), 400);
        assertProblem(http.get(JOBS + "?limit=0"), 400);
        assertProblem(http.get(JOBS + "?limit=abc"), 400);
        assertProblem(http.get(JOBS + "?status=sleeping"), 400);
        Http.Response unknown = http.get(JOBS + "/" + UUID.randomUUID());
        assertProblem(unknown, 404);
        assertThat(unknown.detail()).startsWith("Job '").endsWith("' not found");
        assertProblem(http.post(JOBS + "/" + UUID.randomUUID() + "/resume", null), 404);
        assertProblem(admin().delete(JOBS + "/" + UUID.randomUUID()), 404);
    }

    @Test
    void createsASyntheticDataJobWithoutEpochs() {
        Http.Response created = http.post(JOBS, """
                {"job_name": "rss 10k", "job_type": "synthetic_data",
                 "config": {"num_samples": 10000, "seed": 3, "num_receivers": 6}}""");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("job_type").asString()).isEqualTo("synthetic_data");
        assertThat(created.body().get("total_epochs").asInt()).isZero();
        JsonNode config = created.body().get("config");
        assertThat(config.get("dataset_name").asString()).isEqualTo("rss 10k");
        assertThat(config.get("num_receivers").asInt()).isEqualTo(6);
        assertThat(config.get("path_loss_exponent").asDouble()).isEqualTo(3.0);

        assertField(http.post(JOBS, "{\"job_name\": \"s\", \"job_type\": \"synthetic_data\", \"config\": {}}"),
                "config.num_samples");
        assertField(http.post(JOBS, "{\"job_name\": \"s\", \"job_type\": \"synthetic_data\", \"config\":"
                + " {\"num_samples\": 10, \"output_uri\": \"http://example/x\"}}"), "config.output_uri");
        assertField(http.post(JOBS, "{\"job_name\": \"s\", \"job_type\": \"synthetic_data\", \"config\":"
                + " {\"num_samples\": 10, \"epochs\": 3}}"), "config.epochs");
    }

    static Stream<Arguments> urisOutsideTheDataRoots() {
        String outside = "must lie under one of the data roots [";
        return Stream.of(
                Arguments.of("file:///etc/shadow", outside),
                Arguments.of("file:///database", outside),
                Arguments.of("s3a://other-bucket/datasets/x", outside),
                Arguments.of("s3a://training/datasets-private/x", outside),
                Arguments.of("s3a://training/checkpoints/x", outside),
                Arguments.of("file:///data/../etc", "must not contain '.' or '..' segments"),
                Arguments.of("file:///data/%2e%2e/etc", "must not contain '.' or '..' segments"),
                Arguments.of("s3a://training/datasets/./x", "must not contain '.' or '..' segments"),
                Arguments.of("s3a://training/datasets/*", "must not contain glob characters (*?[]{})"),
                Arguments.of("file:///data/x?versionId=1", "must not have a query or fragment"));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("urisOutsideTheDataRoots")
    void datasetAndSyntheticOutputUrisMustLieUnderTheDataRoots(String uri, String problem) {
        Http.Response dataset = http.post("/v1/datasets", Http.json(java.util.Map.of("name", "d", "uri", uri,
                "feature_columns", List.of("a"), "label_columns", List.of("x"))));
        assertField(dataset, "uri");
        assertThat(dataset.detail()).startsWith("Field 'uri' " + problem);
        Http.Response synthetic = http.post(JOBS, """
                {"job_name": "s", "job_type": "synthetic_data", "config": {"num_samples": 10, "output_uri": "%s"}}"""
                .formatted(uri));
        assertField(synthetic, "config.output_uri");
        assertThat(synthetic.detail()).startsWith("Field 'config.output_uri' " + problem);
        assertThat(countJobs()).as("nothing stored").isZero();
        assertThat(sql.sql("SELECT count(*) FROM datasets").query(Integer.class).single()).isZero();

        assertThat(http.post("/v1/datasets", Http.json(java.util.Map.of("name", "ok", "uri",
                "s3a://training/datasets/rss", "feature_columns", List.of("a"), "label_columns", List.of("x"))))
                .status()).as("under a root").isEqualTo(201);
    }

    @Test
    void aDatasetIsParquetUnlessItSaysCsvAndAnyOtherFormatIsRefused() {
        Http.Response csv = http.post("/v1/datasets", Http.json(java.util.Map.of("name", "csv", "uri",
                "file:///data/rss.csv", "format", "csv", "feature_columns", List.of("a"), "label_columns", List.of("x"))));
        assertThat(csv.status()).as(csv.raw()).isEqualTo(201);
        assertThat(csv.body().get("format").asString()).isEqualTo("csv");
        assertThat(http.get("/v1/datasets/" + registerDataset()).body().get("format").asString()).isEqualTo("parquet");

        Http.Response orc = http.post("/v1/datasets", Http.json(java.util.Map.of("name", "orc", "uri",
                "file:///data/rss.orc", "format", "orc", "feature_columns", List.of("a"), "label_columns", List.of("x"))));
        assertField(orc, "format");
        assertThat(orc.detail()).isEqualTo("Field 'format' must be 'parquet' or 'csv'");
        assertThat(sql.sql("SELECT count(*) FROM datasets").query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void anArrayFeatureColumnHasAShapeThatTheJobsNetworkMustTake() {
        Http.Response windows = http.post("/v1/datasets", Http.json(java.util.Map.of("name", "windows", "uri",
                "file:///data/windows", "feature_columns", List.of("rss_window"), "feature_shape", List.of(3, 16),
                "label_columns", List.of("x", "y"))));
        assertThat(windows.status()).as(windows.raw()).isEqualTo(201);
        assertThat(windows.body().get("feature_shape").toString()).isEqualTo("[3,16]");
        assertThat(http.get("/v1/datasets/" + registerDataset()).body().get("feature_shape").isNull()).isTrue();

        // The built-in network takes the 48 values side by side; a network of the job's own, a sequence of 16
        // steps of 3 values: a dense first layer without a preprocessor cannot take it.
        String dataset = windows.body().get("id").asString();
        assertThat(createTrainingJob(UUID.fromString(dataset), 2)).isNotNull();
        Http.Response dense = http.post(JOBS, """
                {"job_name": "dense", "config": {"dataset_id": "%s", "epochs": 2, "batch_size": 8,
                 "model": {"type": "dl4j", "configuration": %s}}}"""
                .formatted(dataset, Networks.branches(3)));
        assertField(dense, "config.model.configuration");
        assertThat(dense.detail()).startsWith("Field 'config.model.configuration' vertex 'wide' (DenseLayer) "
                + "cannot take the dataset's column 'rss_window' of shape [3, 16] (InputTypeRecurrent(3,timeSeriesLength=16");

        for (var bad : List.of(
                java.util.Map.of("feature_columns", List.of("a", "b"), "feature_shape", List.of(4)),
                java.util.Map.of("feature_columns", List.of("a"), "feature_shape", List.of(1, 2, 3, 4)),
                java.util.Map.of("feature_columns", List.of("a"), "feature_shape", List.of(4, 0)))) {
            java.util.Map<String, Object> request = new java.util.HashMap<>(bad);
            request.putAll(java.util.Map.of("name", "bad", "uri", "file:///data/bad", "label_columns", List.of("x")));
            assertField(http.post("/v1/datasets", Http.json(request)), "feature_shape");
        }
        assertThat(sql.sql("SELECT count(*) FROM datasets").query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void aJobsHistoryIsPagedWithItsTotal() {
        UUID job = createTrainingJob(registerDataset(), 5);
        for (String status : List.of("running", "pausing", "running", "cancelling", "cancelled")) {
            forceStatus(job, status);
        }
        int all = http.get(JOBS + "/" + job + "/events").body().get("total").asInt();
        assertThat(all).as("created, queued and five status changes").isGreaterThanOrEqualTo(7);

        JsonNode page = http.get(JOBS + "/" + job + "/events?limit=2&offset=1").body();
        assertThat(page.get("events").size()).isEqualTo(2);
        assertThat(page.get("total").asInt()).isEqualTo(all);
        assertThat(page.get("limit").asInt()).isEqualTo(2);
        assertThat(page.get("offset").asInt()).isEqualTo(1);
        assertThat(page.get("events").get(0).get("id").asLong()).isEqualTo(
                http.get(JOBS + "/" + job + "/events").body().get("events").get(1).get("id").asLong());
        assertThat(http.get(JOBS + "/" + job + "/events?offset=" + (all + 5)).body().get("total").asInt())
                .as("past the end: still the total").isEqualTo(all);
        for (String history : List.of("metrics", "events", "checkpoints")) {
            assertField(http.get(JOBS + "/" + job + "/" + history + "?limit=0"), "limit");
            assertField(http.get(JOBS + "/" + job + "/" + history + "?limit=10001"), "limit");
            assertThat(http.get(JOBS + "/" + job + "/" + history + "?limit=10000").status()).isEqualTo(200);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() {
        Http.Response response = http.post(JOBS, "{\"job_name\": \"" + "x".repeat(1024 * 1024) + "\"}");
        assertProblem(response, 413);
        assertThat(response.detail()).isEqualTo("Request body larger than 1048576 bytes");
        assertThat(countJobs()).isZero();
    }

    @Test
    void listsJobsWithFiltersAndPaging() {
        UUID dataset = registerDataset();
        UUID first = createTrainingJob(dataset, 5);
        UUID second = createTrainingJob(dataset, 5);
        UUID synthetic = createSyntheticJob();
        forceStatus(first, "running");

        JsonNode all = http.get(JOBS).body();
        assertThat(all.get("total").asInt()).isEqualTo(3);
        assertThat(ids(all)).containsExactly(synthetic.toString(), second.toString(), first.toString());

        JsonNode running = http.get(JOBS + "?status=running").body();
        assertThat(running.get("total").asInt()).isEqualTo(1);
        assertThat(ids(running)).containsExactly(first.toString());

        JsonNode synth = http.get(JOBS + "?job_type=synthetic_data").body();
        assertThat(ids(synth)).containsExactly(synthetic.toString());

        JsonNode page = http.get(JOBS + "?limit=1&offset=1").body();
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(ids(page)).containsExactly(second.toString());
    }

    @Test
    void aFullPagesTotalIsCountedOnceForAllListsWithinTheMaxAgeAndAShortPageTellsItsOwn() {
        UUID dataset = registerDataset();
        for (int i = 0; i < 3; i++) {
            createTrainingJob(dataset, 5);
        }
        totals.maxAge(Duration.ofMinutes(10));
        try {
            assertThat(http.get(JOBS + "?limit=1").body().get("total").asInt()).isEqualTo(3);
            UUID fourth = createTrainingJob(dataset, 5);
            assertThat(http.get(JOBS + "?limit=1&offset=2").body().get("total").asInt())
                    .as("the same filter within the max age: the shared count").isEqualTo(3);
            assertThat(http.get(JOBS).body().get("total").asInt()).as("a short page counts itself").isEqualTo(4);
            forceStatus(fourth, "running");
            assertThat(http.get(JOBS + "?status=running&limit=1").body().get("total").asInt())
                    .as("another filter, its own count").isEqualTo(1);
        } finally {
            totals.maxAge(Duration.ZERO);
        }
        assertThat(http.get(JOBS + "?limit=1").body().get("total").asInt()).as("0: counted every time").isEqualTo(4);
    }

    // --- The seed's Test 4 edge cases, with their exact messages.

    @Test
    void pausingASyntheticDataJobIsRefusedWhateverItsStatus() {
        UUID synthetic = createSyntheticJob();
        for (String status : List.of("queued", "running", "completed")) {
            forceStatus(synthetic, status);
            Http.Response response = http.post(JOBS + "/" + synthetic + "/pause", null);
            assertProblem(response, 400);
            assertThat(response.detail()).isEqualTo("Cannot pause synthetic data generation jobs");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "queued", "pausing", "paused", "cancelling", "completed", "failed", "cancelled"})
    void pausingAJobThatIsNotRunningIsRefused(String status) {
        assertRefusedInStatus(status, "/pause", "Cannot pause job in status '" + status + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "queued", "running", "pausing", "cancelling", "completed", "failed", "cancelled"})
    void resumingAJobThatIsNotPausedIsRefused(String status) {
        assertRefusedInStatus(status, "/resume", "Cannot resume job in status '" + status + "'");
    }

    /** A job forced into {@code status} refuses the intent with exactly {@code detail} and stays put. */
    private void assertRefusedInStatus(String status, String intent, String detail) {
        UUID job = createTrainingJob(registerDataset(), 5);
        forceStatus(job, status);
        Http.Response response = http.post(JOBS + "/" + job + intent, null);
        assertProblem(response, 400);
        assertThat(response.detail()).isEqualTo(detail);
        assertThat(status(job)).isEqualTo(status);
    }

    @Test
    void resumingWithoutACommittedPauseCheckpointIsRefused() {
        UUID job = createTrainingJob(registerDataset(), 5);
        forceStatus(job, "running");
        commitPause(job, 3);
        // The seed's step: an operator deletes the checkpoint path by hand.
        sql.sql("UPDATE training_jobs SET pause_checkpoint_path = NULL WHERE id = :id").param("id", job).update();

        Http.Response response = http.post(JOBS + "/" + job + "/resume", null);

        assertProblem(response, 400);
        assertThat(response.detail()).isEqualTo("No pause checkpoint found");
        assertThat(status(job)).isEqualTo("paused");
        assertThat(launcher.submissions()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "queued", "running", "pausing", "paused", "cancelling"})
    void deletingAJobThatIsNotFinishedIsRefused(String status) {
        UUID job = createTrainingJob(registerDataset(), 5);
        forceStatus(job, status);
        Http.Response response = admin().delete(JOBS + "/" + job);
        assertProblem(response, 400);
        assertThat(response.detail()).isEqualTo("Cannot delete job in status '" + status + "'");
        assertThat(http.get(JOBS + "/" + job).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"completed", "failed", "cancelled"})
    void deletesFinishedJobs(String status) {
        UUID job = createTrainingJob(registerDataset(), 5);
        forceStatus(job, status);
        Http.Response response = admin().delete(JOBS + "/" + job);
        assertThat(response.status()).isEqualTo(204);
        assertProblem(http.get(JOBS + "/" + job), 404);
    }

    @Test
    void pauseAskedDuringTheFirstEpochWaitsForTheTrainer() {
        UUID job = createTrainingJob(registerDataset(), 20);
        forceStatus(job, "running");

        Http.Response response = http.post(JOBS + "/" + job + "/pause", null);

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().get("status").asString()).isEqualTo("pausing");
        assertThat(response.body().get("job_id").asString()).isEqualTo(job.toString());
        assertThat(response.body().get("current_epoch").asInt()).isZero();
        assertThat(response.body().get("total_epochs").asInt()).isEqualTo(20);
        assertThat(response.body().get("message").asString())
                .isEqualTo("Training will pause after completing the current epoch");
        JsonNode stored = http.get(JOBS + "/" + job).body();
        assertThat(stored.get("status").asString()).as("stays pausing until the trainer commits").isEqualTo("pausing");
        assertThat(stored.get("desired_state").asString()).isEqualTo("paused");
    }

    @Test
    void aPauseAtTheNextRoundIsRecordedAndResumesFromTheRoundItStoppedAt() {
        UUID job = createTrainingJob(registerDataset(), 20);
        forceStatus(job, "running");
        sql.sql("UPDATE training_jobs SET current_epoch = 2, current_round = 57, rounds_per_epoch = 250 WHERE id = :id")
                .param("id", job).update();

        Http.Response response = http.post(JOBS + "/" + job + "/pause?at=round", null);

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().get("status").asString()).isEqualTo("pausing");
        assertThat(response.body().get("message").asString())
                .isEqualTo("Training will pause after completing the current averaging round");
        JsonNode pausing = http.get(JOBS + "/" + job).body();
        assertThat(pausing.get("pause_at").asString()).isEqualTo("round");
        assertThat(pausing.get("current_round").asInt()).isEqualTo(57);
        assertThat(pausing.get("rounds_per_epoch").asInt()).isEqualTo(250);

        commitPause(job, 2, 120);
        JsonNode paused = http.get(JOBS + "/" + job).body();
        assertThat(paused.get("pause_checkpoint_epoch").asInt()).isEqualTo(2);
        assertThat(paused.get("pause_checkpoint_round").asInt()).isEqualTo(120);

        Http.Response resumed = http.post(JOBS + "/" + job + "/resume", null);

        assertThat(resumed.status()).isEqualTo(202);
        assertThat(resumed.body().get("message").asString()).isEqualTo("Training resumed from epoch 2, round 120");
        RecordingLauncher.Recorded resubmission = Await.until("resubmission", Duration.ofSeconds(10),
                () -> launcher.submissions().size() == 2 ? launcher.submissions().get(1) : null);
        assertThat(resubmission.request().checkpoint().round()).isEqualTo(120);
    }

    @Test
    void aPauseWithoutABoundaryKeepsTheSeedsEpochBoundaryAndAnUnknownBoundaryIsRefused() {
        UUID job = createTrainingJob(registerDataset(), 20);
        forceStatus(job, "running");

        Http.Response refused = http.post(JOBS + "/" + job + "/pause?at=batch", null);

        assertProblem(refused, 400);
        assertThat(refused.body().get("detail").asString()).isEqualTo("Field 'at' must be one of [epoch, round]");
        assertThat(status(job)).as("nothing changed").isEqualTo("running");

        assertThat(http.post(JOBS + "/" + job + "/pause?at=epoch", null).body().get("message").asString())
                .isEqualTo("Training will pause after completing the current epoch");
        assertThat(http.get(JOBS + "/" + job).body().get("pause_at").asString()).isEqualTo("epoch");
    }

    // --- The whole pause/resume flow as the control plane sees it.

    @Test
    void pauseThenResumeFencesTheNewAttemptAndHandsOverTheCheckpoint() {
        UUID job = createTrainingJob(registerDataset(), 20);
        forceStatus(job, "running");
        sql.sql("UPDATE training_jobs SET current_epoch = 3 WHERE id = :id").param("id", job).update();

        assertThat(as("alice", Role.ADMIN).post(JOBS + "/" + job + "/pause", null).status()).isEqualTo(202);
        commitPause(job, 4);

        Http.Response resumed = as("bob", Role.ADMIN).post(JOBS + "/" + job + "/resume", null);

        assertThat(resumed.status()).isEqualTo(202);
        JsonNode body = resumed.body();
        assertThat(body.get("status").asString()).isEqualTo("queued");
        assertThat(body.get("job_id").asString()).isEqualTo(job.toString());
        assertThat(body.get("submission_id").asString()).isEqualTo("pausable-" + job + "-a2");
        assertThat(body.get("current_epoch").asInt()).isEqualTo(4);
        assertThat(body.get("total_epochs").asInt()).isEqualTo(20);
        assertThat(body.get("message").asString()).isEqualTo("Training resumed from epoch 4");

        JsonNode stored = http.get(JOBS + "/" + job).body();
        assertThat(stored.get("status").asString()).isEqualTo("queued");
        assertThat(stored.get("attempt").asInt()).isEqualTo(2);
        assertThat(stored.get("desired_state").asString()).isEqualTo("running");
        assertThat(stored.get("pause_checkpoint_path").asString()).as("kept until the trainer resumes from it")
                .endsWith("epoch-0004-attempt-1.zip");

        RecordingLauncher.Recorded resubmission = Await.until("resubmission", Duration.ofSeconds(10),
                () -> launcher.submissions().size() == 2 ? launcher.submissions().get(1) : null);
        assertThat(resubmission.request().attempt()).isEqualTo(2);
        assertThat(resubmission.committedAttempt()).as("submitted after the resume committed").isEqualTo(2);
        assertThat(resubmission.request().checkpoint().uri()).endsWith("epoch-0004-attempt-1.zip");
        assertThat(resubmission.request().checkpoint().sha256()).isEqualTo("a".repeat(64));
        assertThat(resubmission.request().checkpoint().sizeBytes()).isEqualTo(4096);
        assertThat(resubmission.request().checkpoint().epoch()).isEqualTo(4);

        // A stale driver of attempt 1 can no longer write.
        int staleWrite = sql.sql("UPDATE training_jobs SET status = 'running' WHERE id = :id AND attempt = 1")
                .param("id", job).update();
        assertThat(staleWrite).isZero();

        List<String> audit = http.get(JOBS + "/" + job + "/events").body().get("events").valueStream()
                .map(e -> e.get("event_type").asString() + ":" + e.get("from_value").asString("") + "->"
                        + e.get("to_value").asString() + " by " + e.get("actor").asString())
                .toList();
        assertThat(audit).containsSubsequence(
                "created:->pending by tester",
                "status:pending->queued by launcher",
                "intent:running->paused by alice",
                "status:running->pausing by alice",
                "status:pausing->paused by postgres",
                "intent:paused->running by bob",
                "status:paused->queued by bob");
    }

    @Test
    void cancelStopsQueuedJobsAtOnceAndRunningJobsAtTheEpochBoundary() {
        UUID dataset = registerDataset();
        UUID queued = createTrainingJob(dataset, 5);
        Http.Response cancelQueued = http.post(JOBS + "/" + queued + "/cancel", null);
        assertThat(cancelQueued.status()).isEqualTo(202);
        assertThat(cancelQueued.body().get("status").asString()).isEqualTo("cancelled");
        Await.until("queued submission killed", Duration.ofSeconds(10),
                () -> launcher.kills().contains("pausable-" + queued + "-a1"));

        UUID running = createTrainingJob(dataset, 5);
        forceStatus(running, "running");
        Http.Response cancelRunning = http.post(JOBS + "/" + running + "/cancel", null);
        assertThat(cancelRunning.status()).isEqualTo(202);
        assertThat(cancelRunning.body().get("status").asString()).isEqualTo("cancelling");
        assertThat(http.get(JOBS + "/" + running).body().get("desired_state").asString()).isEqualTo("cancelled");

        UUID paused = createTrainingJob(dataset, 5);
        forceStatus(paused, "running");
        commitPause(paused, 2);
        Http.Response cancelPaused = http.post(JOBS + "/" + paused + "/cancel", null);
        assertThat(cancelPaused.body().get("status").asString()).isEqualTo("cancelled");
        assertThat(http.get(JOBS + "/" + paused).body().get("completed_at").isNull()).isFalse();

        Http.Response again = http.post(JOBS + "/" + paused + "/cancel", null);
        assertProblem(again, 400);
        assertThat(again.detail()).isEqualTo("Cannot cancel job in status 'cancelled'");
    }

    @Test
    void aFailedLaunchIsRecordedAsAFailedJobWithTheReason() {
        launcher.failWith("spark-submit exited with code 1");
        Http.Response created = http.post(JOBS, """
                {"job_name": "doomed", "config": {"dataset_id": "%s", "epochs": 5, "batch_size": 16,
                 "learning_rate": 0.001, "max_restarts": 0}}""".formatted(registerDataset()));
        UUID job = UUID.fromString(created.body().get("id").asString());

        Await.until("job failed", Duration.ofSeconds(10), () -> "failed".equals(status(job)));
        JsonNode stored = http.get(JOBS + "/" + job).body();
        assertThat(stored.get("error_message").asString()).isEqualTo("Launch failed: spark-submit exited with code 1");
        assertThat(stored.get("completed_at").isNull()).isFalse();
    }

    @Test
    void servesMetricsEventsAndCheckpointsOfAJob() {
        UUID job = createTrainingJob(registerDataset(), 5);
        sql.sql("""
                INSERT INTO training_metrics (job_id, attempt, epoch, train_loss, val_loss, learning_rate, duration_ms,
                                              samples_per_second)
                VALUES (:id, 1, 1, 0.9, 1.1, 0.001, 4200, 3800.5), (:id, 1, 2, 0.7, 0.8, 0.001, 4100, 3900.0)""")
                .param("id", job).update();
        sql.sql("""
                INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind)
                VALUES (:id, 2, 1, 's3a://ckpt/x/epoch-0002-attempt-1.zip', :sha, 2048, 'pause')""")
                .param("id", job).param("sha", "b".repeat(64)).update();

        JsonNode metrics = http.get(JOBS + "/" + job + "/metrics").body();
        assertThat(metrics.get("job_id").asString()).isEqualTo(job.toString());
        assertThat(metrics.get("metrics").size()).isEqualTo(2);
        assertThat(metrics.get("metrics").get(1).get("val_loss").asDouble()).isEqualTo(0.8);
        assertThat(metrics.get("metrics").get(0).get("samples_per_second").asDouble()).isEqualTo(3800.5);

        JsonNode checkpoints = http.get(JOBS + "/" + job + "/checkpoints").body().get("checkpoints");
        assertThat(checkpoints.get(0).get("size_bytes").asLong()).isEqualTo(2048);
        assertThat(checkpoints.get(0).get("kind").asString()).isEqualTo("pause");

        sql.sql("""
                INSERT INTO round_losses (job_id, attempt, epoch, round, rounds, train_loss)
                VALUES (:id, 1, 3, 4, 10, 0.65), (:id, 2, 3, 4, 10, 0.64), (:id, 2, 3, 5, 10, 0.6)""")
                .param("id", job).update();
        JsonNode rounds = http.get(JOBS + "/" + job + "/rounds").body().get("rounds");
        assertThat(rounds.valueStream().map(r -> r.get("epoch").asInt() + "." + r.get("round").asInt() + "/"
                + r.get("rounds").asInt() + " a" + r.get("attempt").asInt() + " " + r.get("train_loss").asDouble()))
                .as("each round once, the latest attempt's").containsExactly("3.4/10 a2 0.64", "3.5/10 a2 0.6");

        assertThat(http.get(JOBS + "/" + job + "/events").body().get("events").size()).isGreaterThanOrEqualTo(2);
        assertProblem(http.get(JOBS + "/" + UUID.randomUUID() + "/metrics"), 404);
    }

    private static List<String> ids(JsonNode page) {
        return page.get("jobs").valueStream().map(j -> j.get("id").asString()).toList();
    }

    static void assertProblem(Http.Response response, int status) {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("status").asInt()).isEqualTo(status);
        assertThat(response.detail()).isNotBlank();
    }

    private static void assertField(Http.Response response, String field) {
        assertProblem(response, 400);
        assertThat(response.body().path("field").asString()).as(response.raw()).isEqualTo(field);
    }
}
