package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundCheckpointsTest {

    @Test
    void whileAnUploadHangsANewerCheckpointOfAKindReplacesTheWaitingOneAndOrderIsKept() throws Exception {
        List<String> written = new CopyOnWriteArrayList<>();
        CountDownLatch storeDown = new CountDownLatch(1);
        CountDownLatch inFlight = new CountDownLatch(1);
        try (BackgroundCheckpoints background = new BackgroundCheckpoints()) {
            assertThat(background.submit("periodic", () -> {
                inFlight.countDown();
                assertThat(storeDown.await(30, TimeUnit.SECONDS)).isTrue();
                written.add("periodic 1");
                return true;
            })).isFalse();
            assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(background.submit("periodic", record(written, "periodic 2"))).isFalse();
            assertThat(background.submit("best", record(written, "best 2"))).isFalse();
            assertThat(background.submit("periodic", record(written, "periodic 3"))).as("replaces periodic 2")
                    .isTrue();
            storeDown.countDown();
            background.drain();
        }
        assertThat(written).containsExactly("periodic 1", "best 2", "periodic 3");
    }

    @Test
    void aFailedWriteIsReportedOnceAndAnErrorOfAnEarlierUploadIsNeverLost() throws Exception {
        try (BackgroundCheckpoints background = new BackgroundCheckpoints()) {
            background.submit("periodic", () -> false);
            background.drain();
            assertThat(background.failedSinceLastCheck()).isTrue();
            assertThat(background.failedSinceLastCheck()).isFalse();

            background.submit("periodic", () -> {
                throw new IllegalStateException("a newer attempt owns the job");
            });
            background.submit("best", () -> true);
            assertThatThrownBy(background::drain).hasMessage("a newer attempt owns the job");
            assertThatThrownBy(background::failedSinceLastCheck).hasMessage("a newer attempt owns the job");
        }
    }

    private static BackgroundCheckpoints.Work record(List<String> written, String name) {
        return () -> written.add(name);
    }
}
