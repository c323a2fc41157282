package dev.pausable.controlplane.launch;

import java.util.UUID;

/**
 * The unique tag of one submission (job id + attempt). It is the Spark application name, so a
 * restarted control plane can find its applications again, and it is known before the
 * submission happens, so the API can answer with it without waiting for spark-submit.
 */
public final class SubmissionTag {

    private static final String PREFIX = "pausable-";

    private SubmissionTag() {
    }

    public static String of(UUID jobId, int attempt) {
        return PREFIX + jobId + "-a" + attempt;
    }
}
