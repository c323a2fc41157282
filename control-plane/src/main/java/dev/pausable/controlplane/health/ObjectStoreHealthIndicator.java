package dev.pausable.controlplane.health;

import dev.pausable.controlplane.launch.SparkProperties;
import dev.pausable.controlplane.launch.SparkSettings;
import dev.pausable.controlplane.launch.SubmitCommand;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Can checkpoints be written where the trainer writes them ({@code pausable.spark.checkpoint-root})?
 * For {@code s3a://bucket/…}: a HEAD of the bucket at the endpoint, path style and credentials the
 * Spark settings give s3a (credentials otherwise from the environment, as s3a takes them); for a
 * local directory: that it, or its nearest existing parent, is writable.
 */
@Component("objectStore")
class ObjectStoreHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final SparkProperties spark;
    private Map<String, String> settings;
    private S3Client client;

    ObjectStoreHealthIndicator(SparkProperties spark) {
        super("Object store health check failed");
        this.spark = spark;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String root = SubmitCommand.storageUri(spark.checkpointRoot());
        URI uri = URI.create(root);
        builder.withDetail("checkpointRoot", root);
        switch (uri.getScheme()) {
            case "file" -> {
                Path existing = Path.of(uri);
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                boolean writable = existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
                (writable ? builder.up() : builder.down()).withDetail("writableDirectory",
                        existing == null ? "none" : existing.toString());
            }
            case "s3a", "s3" -> {
                s3().headBucket(request -> request.bucket(uri.getHost()));
                builder.up().withDetail("bucket", uri.getHost())
                        .withDetail("endpoint", s3Settings().getOrDefault("spark.hadoop.fs.s3a.endpoint", "AWS default"));
            }
            default -> builder.unknown().withDetail("reason", "no check for scheme " + uri.getScheme());
        }
    }

    /** The Spark settings s3a gets (spark-defaults.conf + operator conf), read once. */
    private synchronized Map<String, String> s3Settings() {
        if (settings == null) {
            settings = SparkSettings.effective(spark);
        }
        return settings;
    }

    private synchronized S3Client s3() {
        if (client == null) {
            client = build(s3Settings());
        }
        return client;
    }

    private static S3Client build(Map<String, String> settings) {
        String accessKey = settings.get("spark.hadoop.fs.s3a.access.key");
        String secretKey = settings.get("spark.hadoop.fs.s3a.secret.key");
        AwsCredentialsProvider credentials = accessKey != null && secretKey != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT))
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(TIMEOUT.multipliedBy(2))
                        .build())
                .credentialsProvider(credentials)
                .region(Region.of(settings.getOrDefault("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")))
                .forcePathStyle(Boolean.parseBoolean(settings.getOrDefault("spark.hadoop.fs.s3a.path.style.access",
                        "false")));
        String endpoint = settings.get("spark.hadoop.fs.s3a.endpoint");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint));
        }
        return builder.build();
    }

    @Override
    public synchronized void destroy() {
        if (client != null) {
            client.close();
        }
    }
}
