package dev.pausable.contract;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The unique tag of one submission (job id + attempt): {@code pausable-<job>-a<attempt>}. It is the
 * Spark application name and stands on the driver's command line, so a restarted control plane (or an
 * operator, or a test) can find an attempt's driver again; it is known before the submission happens,
 * so the API can answer with it without waiting for spark-submit.
 */
public record SubmissionTag(UUID jobId, int attempt) {

    private static final String PREFIX = "pausable-";
    private static final Pattern FORM = Pattern.compile(
            "pausable-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-a([1-9][0-9]{0,8})");

    public SubmissionTag {
        if (attempt < 1) {
            throw new IllegalArgumentException("Attempts count from 1, not " + attempt);
        }
    }

    public static String of(UUID jobId, int attempt) {
        return new SubmissionTag(jobId, attempt).toString();
    }

    /** The tag named by {@code text}, if it is one. */
    public static Optional<SubmissionTag> parse(String text) {
        Matcher matcher = FORM.matcher(text == null ? "" : text);
        return matcher.matches()
                ? Optional.of(new SubmissionTag(UUID.fromString(matcher.group(1)), Integer.parseInt(matcher.group(2))))
                : Optional.empty();
    }

    @Override
    public String toString() {
        return PREFIX + jobId + "-a" + attempt;
    }
}
