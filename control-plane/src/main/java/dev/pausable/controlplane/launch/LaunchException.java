package dev.pausable.controlplane.launch;

/**
 * A submission that did not reach Spark. Retryable unless the control plane itself is misconfigured
 * (no SPARK_HOME, no trainer jar): then no restart can help and the job fails at once.
 */
public class LaunchException extends Exception {

    private final boolean retryable;

    public LaunchException(String message) {
        this(message, null, true);
    }

    public LaunchException(String message, Throwable cause) {
        this(message, cause, true);
    }

    private LaunchException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** A configuration error of the control plane: retrying cannot help. */
    public static LaunchException misconfigured(String message) {
        return new LaunchException(message, null, false);
    }

    public boolean retryable() {
        return retryable;
    }
}
