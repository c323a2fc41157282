package dev.pausable.controlplane.support;

import dev.pausable.controlplane.launch.JobLauncher;
import dev.pausable.controlplane.launch.LaunchException;
import dev.pausable.controlplane.launch.LaunchRequest;
import dev.pausable.controlplane.launch.Liveness;
import dev.pausable.controlplane.launch.Submission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A launcher fake behind our own interface: records each submission together with the job
 * status it could see from another connection at that moment (which proves the creating or
 * resuming transaction had committed), and fails on demand.
 */
public class RecordingLauncher implements JobLauncher {

    public record Recorded(LaunchRequest request, String committedStatus, Integer committedAttempt) {
    }

    private final JdbcClient jdbc;
    private final List<Recorded> submissions = new CopyOnWriteArrayList<>();
    private final List<String> kills = new CopyOnWriteArrayList<>();
    private final List<Submission> probes = new CopyOnWriteArrayList<>();
    private final Map<String, Liveness> liveness = new ConcurrentHashMap<>();
    private volatile String failWith;

    RecordingLauncher(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    @Override
    public Submission submit(LaunchRequest request) throws LaunchException {
        var row = jdbc.sql("SELECT status, attempt FROM training_jobs WHERE id = :id")
                .param("id", request.jobId())
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2)})
                .optional();
        submissions.add(new Recorded(request, row.map(r -> (String) r[0]).orElse(null),
                row.map(r -> (Integer) r[1]).orElse(null)));
        if (failWith != null) {
            throw new LaunchException(failWith);
        }
        return Submission.tagged(request.submissionId());
    }

    @Override
    public void kill(Submission submission) {
        kills.add(submission.tag());
    }

    /** ALIVE unless a test says otherwise for that tag. */
    @Override
    public Liveness probe(Submission submission) {
        probes.add(submission);
        return liveness.getOrDefault(submission.tag(), Liveness.ALIVE);
    }

    public void answer(String tag, Liveness answer) {
        liveness.put(tag, answer);
    }

    public List<Submission> probes() {
        return List.copyOf(probes);
    }

    public List<Recorded> submissions() {
        return List.copyOf(submissions);
    }

    public List<String> kills() {
        return List.copyOf(kills);
    }

    public void failWith(String reason) {
        this.failWith = reason;
    }

    public void reset() {
        submissions.clear();
        kills.clear();
        probes.clear();
        liveness.clear();
        failWith = null;
    }

    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        @Primary
        RecordingLauncher recordingLauncher(DataSource dataSource) {
            return new RecordingLauncher(dataSource);
        }
    }
}
