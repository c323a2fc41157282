package dev.pausable.controlplane.storage;

import dev.pausable.controlplane.launch.SparkProperties;
import dev.pausable.controlplane.launch.SubmitCommand;
import dev.pausable.controlplane.web.InvalidFieldException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Where datasets may be read from and synthetic data written to: under the configured data roots
 * ({@code pausable.spark.data-roots}, plus the dataset root). Trainers read and write with the
 * platform's credentials, so a job must not name any bucket or local path it likes. A URI is
 * compared as written, with no {@code .} or {@code ..} segment, glob, query or fragment that could
 * make it mean more than it shows.
 */
@Component
public class DataRoots {

    private static final String GLOB = "*?[]{}";

    private final List<URI> roots;

    DataRoots(SparkProperties spark) {
        this.roots = Stream.concat(Stream.of(spark.datasetRoot()), spark.dataRoots().stream())
                .map(root -> directory(URI.create(SubmitCommand.storageUri(root)).normalize()))
                .distinct().toList();
    }

    /** Returns {@code uri} if it lies under a data root; else a 400 naming {@code field}. */
    public String check(String field, String uri) {
        URI parsed = URI.create(uri);
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new InvalidFieldException(field, "must not have a query or fragment");
        }
        String path = Objects.requireNonNullElse(parsed.getPath(), "");
        if (path.chars().anyMatch(c -> GLOB.indexOf(c) >= 0)) {
            throw new InvalidFieldException(field, "must not contain glob characters (" + GLOB + ")");
        }
        if (Stream.of(path.split("/")).anyMatch(segment -> segment.equals(".") || segment.equals(".."))) {
            throw new InvalidFieldException(field, "must not contain '.' or '..' segments");
        }
        if (roots.stream().noneMatch(root -> under(parsed, root))) {
            throw new InvalidFieldException(field, "must lie under one of the data roots " + roots);
        }
        return uri;
    }

    private static boolean under(URI uri, URI root) {
        return root.getScheme().equals(uri.getScheme()) && Objects.equals(root.getAuthority(), uri.getAuthority())
                && directory(uri).getPath().startsWith(root.getPath());
    }

    private static URI directory(URI uri) {
        String path = Objects.requireNonNullElse(uri.getPath(), "");
        return path.endsWith("/") ? uri : URI.create(uri.getScheme() + "://" + Objects.requireNonNullElse(
                uri.getRawAuthority(), "") + uri.getRawPath() + "/");
    }
}
