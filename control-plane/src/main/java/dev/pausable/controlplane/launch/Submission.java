package dev.pausable.controlplane.launch;

import dev.pausable.contract.SubmissionTag;
/**
 * One attempt as Spark knows it.
 *
 * @param tag      the submission tag, also the Spark application name (see {@link SubmissionTag})
 * @param driverId the standalone master's driver id in cluster mode ({@code driver-…}); null otherwise
 */
public record Submission(String tag, String driverId) {

    public static Submission tagged(String tag) {
        return new Submission(tag, null);
    }
}
