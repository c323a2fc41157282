package dev.pausable.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The trainer's command line, as the control plane builds it and the driver parses it:
 * {@code --job-id <uuid> --attempt <n> [--checkpoint <uri>]}. Everything else comes from the job's row
 * and the {@link TrainerSettings}.
 *
 * @param checkpoint the committed checkpoint the attempt resumes from; null for a first run
 */
public record TrainerCommand(UUID jobId, int attempt, String checkpoint) {

    /** The trainer's main class in {@code spark-trainer.jar}. */
    public static final String MAIN_CLASS = "dev.pausable.trainer.TrainerMain";
    public static final String JOB_ID = "--job-id";
    public static final String ATTEMPT = "--attempt";
    public static final String CHECKPOINT = "--checkpoint";
    public static final String USAGE = "usage: " + JOB_ID + " <uuid> " + ATTEMPT + " <n> [" + CHECKPOINT + " <uri>]";

    /** The Spark application name and command-line tag of this attempt. */
    public SubmissionTag tag() {
        return new SubmissionTag(jobId, attempt);
    }

    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(JOB_ID, jobId.toString(), ATTEMPT, Integer.toString(attempt)));
        if (checkpoint != null) {
            args.add(CHECKPOINT);
            args.add(checkpoint);
        }
        return List.copyOf(args);
    }

    /** Parses {@link #toArgs()}'s form; any other argument, or a missing value, is an error naming the usage. */
    public static TrainerCommand parse(String[] args) {
        UUID jobId = null;
        Integer attempt = null;
        String checkpoint = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value for " + name + "; " + USAGE);
            }
            String value = args[++i];
            switch (name) {
                case JOB_ID -> jobId = UUID.fromString(value);
                case ATTEMPT -> attempt = Integer.parseInt(value);
                case CHECKPOINT -> checkpoint = value;
                default -> throw new IllegalArgumentException("Unknown argument " + name + "; " + USAGE);
            }
        }
        if (jobId == null || attempt == null || attempt < 1) {
            throw new IllegalArgumentException(USAGE);
        }
        return new TrainerCommand(jobId, attempt, checkpoint);
    }
}
