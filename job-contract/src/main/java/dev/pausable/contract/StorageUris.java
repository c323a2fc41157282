package dev.pausable.contract;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/** Datasets and checkpoints live in the object store ({@code s3a://bucket/path}) or on a shared file system ({@code file:///path}). */
public final class StorageUris {

    private static final Set<String> SCHEMES = Set.of("s3a", "file");

    private StorageUris() {
    }

    /** Returns {@code uri} if it is an s3a:// URI with a bucket or a file:// URI with an absolute path. */
    public static String requireSupported(String field, String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new FieldException(field, "is not a valid URI");
        }
        if (parsed.getScheme() == null || !SCHEMES.contains(parsed.getScheme())) {
            throw new FieldException(field, "must be an s3a:// or file:// URI");
        }
        boolean hasLocation = "s3a".equals(parsed.getScheme())
                ? parsed.getHost() != null && !parsed.getHost().isEmpty()
                : parsed.getPath() != null && parsed.getPath().startsWith("/") && parsed.getPath().length() > 1;
        if (!hasLocation) {
            throw new FieldException(field,
                    "must name a bucket (s3a://bucket/path) or an absolute path (file:///path)");
        }
        return uri;
    }
}
