package dev.pausable.trainer.checkpoint;

import dev.pausable.contract.CheckpointNames;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.trainer.db.StoredCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint objects under {@code <root>/<job-id>/}, through Hadoop's FileSystem ({@code s3a://} in
 * production, {@code file://} allowed). Objects are never overwritten, and appear only once complete:
 * S3 publishes an object on close; on other file systems the object is written under a temporary
 * name and renamed.
 */
public class CheckpointStore {

    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

    private final String root;
    private final Configuration hadoop;

    public CheckpointStore(String root, Configuration hadoop) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.hadoop = hadoop;
    }

    public String uriFor(UUID jobId, String name) {
        return CheckpointNames.uri(root, jobId, name);
    }

    /**
     * Writes the bytes as a new object. An object already there under the name is accepted only if it
     * holds exactly these bytes (a retry after a write whose answer was lost); otherwise it is an error,
     * never an overwrite. On {@code file://} the file and its directory are synced before this returns.
     */
    public StoredCheckpoint write(String uri, int epoch, int round, byte[] bytes) throws IOException {
        long started = System.nanoTime();
        String sha = HexFormat.of().formatHex(sha256().digest(bytes));
        Path target = new Path(URI.create(uri));
        FileSystem fs = target.getFileSystem(hadoop);
        if (fs.exists(target)) {
            if (fs.getFileStatus(target).getLen() != bytes.length || !sha.equals(sha256Of(fs, target))) {
                throw new IOException("Checkpoint " + uri + " already exists; checkpoints are never overwritten");
            }
        } else {
            boolean atomicOnClose = "s3a".equals(target.toUri().getScheme());
            Path written = atomicOnClose ? target : new Path(target.getParent(), "." + target.getName() + ".incomplete");
            try (OutputStream out = fs.create(written, !atomicOnClose)) {
                out.write(bytes);
            }
            if (!atomicOnClose && !fs.rename(written, target)) {
                fs.delete(written, false);
                throw new IOException("Could not publish checkpoint " + uri);
            }
            if ("file".equals(target.toUri().getScheme())) {
                java.nio.file.Path file = java.nio.file.Path.of(target.toUri());
                sync(file);
                sync(file.getParent());
            }
        }
        return new StoredCheckpoint(new CommittedCheckpoint(uri, sha, bytes.length, epoch, round),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** {@link #write} at an epoch boundary, retried with backoff until {@code deadline} has passed; then its last error. */
    public StoredCheckpoint writeRetrying(String uri, int epoch, byte[] bytes, Duration deadline) throws IOException {
        long giveUp = System.nanoTime() + deadline.toNanos();
        long backoffMillis = 500;
        while (true) {
            try {
                return write(uri, epoch, 0, bytes);
            } catch (IOException e) {
                if (System.nanoTime() + backoffMillis * 1_000_000 > giveUp) {
                    throw e;
                }
                log.warn("Writing {} failed ({}); retrying in {} ms", uri, e.toString(), backoffMillis);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while retrying " + uri);
                }
                backoffMillis = Math.min(backoffMillis * 2, 30_000);
            }
        }
    }

    /** fsync of a file or a directory (Linux syncs a directory through a read-only channel). */
    private static void sync(java.nio.file.Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String sha256Of(FileSystem fs, Path path) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(fs.open(path), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
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
