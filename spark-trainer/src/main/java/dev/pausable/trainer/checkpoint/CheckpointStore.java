package dev.pausable.trainer.checkpoint;

import dev.pausable.contract.CheckpointNames;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.trainer.db.StoredCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoint objects under {@code <root>/<job-id>/}, through Hadoop's FileSystem ({@code s3a://} in
 * production, {@code file://} allowed). Objects are never overwritten, and appear only once complete:
 * S3 publishes an object on close; on other file systems the object is written under a temporary
 * name and renamed.
 */
public class CheckpointStore {

    private final String root;
    private final Configuration hadoop;

    public CheckpointStore(String root, Configuration hadoop) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.hadoop = hadoop;
    }

    public String uriFor(UUID jobId, String name) {
        return CheckpointNames.uri(root, jobId, name);
    }

    /** Writes the bytes as a new object; fails if it exists. */
    public StoredCheckpoint write(String uri, int epoch, byte[] bytes) throws IOException {
        long started = System.nanoTime();
        Path target = new Path(URI.create(uri));
        FileSystem fs = target.getFileSystem(hadoop);
        if (fs.exists(target)) {
            throw new IOException("Checkpoint " + uri + " already exists; checkpoints are never overwritten");
        }
        boolean atomicOnClose = "s3a".equals(target.toUri().getScheme());
        Path written = atomicOnClose ? target : new Path(target.getParent(), "." + target.getName() + ".incomplete");
        MessageDigest sha = sha256();
        try (OutputStream digesting = new DigestOutputStream(fs.create(written, false), sha)) {
            digesting.write(bytes);
        }
        if (!atomicOnClose && !fs.rename(written, target)) {
            fs.delete(written, false);
            throw new IOException("Could not publish checkpoint " + uri);
        }
        return new StoredCheckpoint(new CommittedCheckpoint(uri, HexFormat.of().formatHex(sha.digest()), bytes.length,
                epoch), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Reads an object and checks it against what PostgreSQL committed; a mismatch is an error,
     * never a silent fresh start.
     */
    public byte[] readVerified(String uri, long expectedSize, String expectedSha256) throws IOException {
        Path path = new Path(URI.create(uri));
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new CheckpointMismatchException("Pause checkpoint " + uri + " is missing from the store");
        }
        long size = fs.getFileStatus(path).getLen();
        if (size != expectedSize) {
            throw new CheckpointMismatchException("Pause checkpoint " + uri + " has " + size
                    + " bytes, but " + expectedSize + " were committed");
        }
        byte[] bytes;
        try (InputStream in = fs.open(path)) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(size, Integer.MAX_VALUE - 8));
            in.transferTo(buffer);
            bytes = buffer.toByteArray();
        } catch (ChecksumException e) {
            // The file system's own CRC (file://) caught the damage before our SHA-256 could.
            throw new CheckpointMismatchException("Pause checkpoint " + uri + " is corrupt: " + e.getMessage());
        }
        String sha = HexFormat.of().formatHex(sha256().digest(bytes));
        if (!sha.equals(expectedSha256)) {
            throw new CheckpointMismatchException("Pause checkpoint " + uri + " has SHA-256 " + sha
                    + ", but " + expectedSha256 + " was committed");
        }
        return bytes;
    }

    public void delete(String uri) throws IOException {
        Path path = new Path(URI.create(uri));
        path.getFileSystem(hadoop).delete(path, false);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
