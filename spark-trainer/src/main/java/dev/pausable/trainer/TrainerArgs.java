package dev.pausable.trainer;

import java.util.Map;
import java.util.UUID;

/**
 * The trainer's command line: {@code --job-id <uuid> --attempt <n> [--checkpoint <uri>]}. Everything
 * else comes from the job's row. Database settings come from the environment
 * ({@code PAUSABLE_DB_URL}, {@code PAUSABLE_DB_USER}, {@code PAUSABLE_DB_PASSWORD}) or Spark conf
 * ({@code spark.pausable.db.url}, {@code .user}, {@code .password}); the password is never logged.
 *
 * @param checkpoint the pause checkpoint the launcher resumed from; must match the committed one
 */
public record TrainerArgs(UUID jobId, int attempt, String checkpoint) {

    public static final String USAGE = "usage: --job-id <uuid> --attempt <n> [--checkpoint <uri>]";

    public static TrainerArgs parse(String[] args) {
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
                case "--job-id" -> jobId = UUID.fromString(value);
                case "--attempt" -> attempt = Integer.parseInt(value);
                case "--checkpoint" -> checkpoint = value;
                default -> throw new IllegalArgumentException("Unknown argument " + name + "; " + USAGE);
            }
        }
        if (jobId == null || attempt == null || attempt < 1) {
            throw new IllegalArgumentException(USAGE);
        }
        return new TrainerArgs(jobId, attempt, checkpoint);
    }

    /** Looks a setting up in the environment first, then in Spark conf. */
    static String setting(Map<String, String> env, Map<String, String> sparkConf, String envName, String confName) {
        String value = env.get(envName);
        if (value == null || value.isBlank()) {
            value = sparkConf.get(confName);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
