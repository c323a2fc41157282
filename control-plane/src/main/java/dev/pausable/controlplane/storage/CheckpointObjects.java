package dev.pausable.controlplane.storage;

import dev.pausable.controlplane.launch.SparkProperties;
import dev.pausable.controlplane.launch.SparkSettings;
import dev.pausable.controlplane.launch.SubmitCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The control plane's view of the checkpoint objects the trainers write ({@code s3a://bucket/key} or
 * {@code file:///path}): whether one exists and how big it is (before a resume is accepted), and deleting
 * one (after its row says so); and reading a small object under the data roots (a job's network
 * configuration). For S3 it uses the endpoint, path style and credentials the Spark
 * settings give s3a (credentials otherwise from the environment, as s3a takes them).
 */
@Component
public class CheckpointObjects implements DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(CheckpointObjects.class);

    private final SparkProperties spark;
    private Map<String, String> settings;
    private S3Client client;

    public CheckpointObjects(SparkProperties spark) {
        this.spark = spark;
    }

    /** Where trainers write checkpoints, as a URI. */
    public URI root() {
        return URI.create(SubmitCommand.storageUri(spark.checkpointRoot()));
    }

    /** The object's size, or empty when there is no such object. Fails when the store cannot be asked. */
    public Optional<Long> size(String uri) {
        URI parsed = URI.create(uri);
        try {
            return switch (parsed.getScheme()) {
                case "file" -> Optional.of(Files.size(Path.of(parsed)));
                case "s3a", "s3" -> Optional.of(s3().headObject(r -> r.bucket(parsed.getHost()).key(key(parsed)))
                        .contentLength());
                default -> throw new IllegalArgumentException("No object store for " + uri);
            };
        } catch (NoSuchFileException | NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The object's bytes, or empty when there is no such object; an object over {@code maxBytes} is refused
     * unread. Fails when the store cannot be asked.
     */
    public Optional<byte[]> read(String uri, long maxBytes) {
        Optional<Long> size = size(uri);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        if (size.get() > maxBytes) {
            throw new ObjectTooLargeException(size.get(), maxBytes);
        }
        URI parsed = URI.create(uri);
        try {
            return Optional.of(switch (parsed.getScheme()) {
                case "file" -> Files.readAllBytes(Path.of(parsed));
                case "s3a", "s3" -> s3().getObjectAsBytes(r -> r.bucket(parsed.getHost()).key(key(parsed)))
                        .asByteArray();
                default -> throw new IllegalArgumentException("No object store for " + uri);
            });
        } catch (NoSuchFileException | NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An object {@link #read} would not read: larger than the caller takes. */
    public static final class ObjectTooLargeException extends RuntimeException {

        public ObjectTooLargeException(long size, long maxBytes) {
            super("is " + size + " bytes; at most " + maxBytes + " are read");
        }
    }

    /** Deletes the object if it exists. */
    public void delete(String uri) {
        URI parsed = URI.create(uri);
        try {
            switch (parsed.getScheme()) {
                case "file" -> {
                    Path file = Path.of(parsed);
                    Files.deleteIfExists(file);
                    // Hadoop's local file system keeps a CRC beside each file.
                    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
                }
                case "s3a", "s3" -> s3().deleteObject(r -> r.bucket(parsed.getHost()).key(key(parsed)));
                default -> throw new IllegalArgumentException("No object store for " + uri);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checkpoint objects whose rows are gone or say deleted: deleted once that commit is done. */
    public record Released(List<String> uris) {
    }

    @TransactionalEventListener
    void onReleased(Released released) {
        for (String uri : released.uris()) {
            try {
                delete(uri);
            } catch (RuntimeException e) {
                log.warn("Could not delete checkpoint object {} (the sweeper will): {}", uri, e.toString());
            }
        }
    }

    /** An object under the checkpoint root, with when it was last written. */
    public record StoredObject(String uri, Instant lastModified) {
    }

    /**
     * Every object under the checkpoint root (Hadoop's CRC sidecars and directory markers aside).
     * Fails when the store cannot be listed.
     */
    public List<StoredObject> list() {
        URI root = root();
        try {
            return switch (root.getScheme()) {
                case "file" -> {
                    Path directory = Path.of(root);
                    if (!Files.isDirectory(directory)) {
                        yield List.of();
                    }
                    try (Stream<Path> files = Files.walk(directory)) {
                        List<StoredObject> found = new ArrayList<>();
                        for (Path file : files.filter(Files::isRegularFile)
                                .filter(f -> !f.getFileName().toString().endsWith(".crc")).toList()) {
                            found.add(new StoredObject(file.toUri().toString(),
                                    Files.getLastModifiedTime(file).toInstant()));
                        }
                        yield found;
                    }
                }
                case "s3a", "s3" -> {
                    String prefix = key(root).isEmpty() || key(root).endsWith("/") ? key(root) : key(root) + "/";
                    List<StoredObject> found = new ArrayList<>();
                    // Keys ending in "/" are directory markers (s3a's, or a file-system backend's
                    // directories), never checkpoints: deleting one is meaningless or, on such a
                    // backend, removes a directory that still holds objects.
                    s3().listObjectsV2Paginator(r -> r.bucket(root.getHost()).prefix(prefix)).contents().stream()
                            .filter(o -> !o.key().endsWith("/"))
                            .forEach(o -> found.add(new StoredObject(root.getScheme() + "://" + root.getHost() + "/"
                                    + o.key(), o.lastModified())));
                    yield found;
                }
                default -> throw new IllegalArgumentException("No object store for " + root);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint s3a is given, for operators' eyes. */
    public String s3Endpoint() {
        return s3Settings().getOrDefault("spark.hadoop.fs.s3a.endpoint", "AWS default");
    }

    /** The client s3a's settings describe, built once. */
    public synchronized S3Client s3() {
        if (client == null) {
            client = build(s3Settings());
        }
        return client;
    }

    private static String key(URI uri) {
        return uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
    }

    /** The Spark settings s3a gets (spark-defaults.conf + operator conf), read once. */
    private synchronized Map<String, String> s3Settings() {
        if (settings == null) {
            settings = SparkSettings.effective(spark);
        }
        return settings;
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
