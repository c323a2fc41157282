package dev.pausable.trainer.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.trainer.TrainerFixture;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The driver hears a pause or cancel through LISTEN on real PostgreSQL, once per change of intent. */
class IntentListenerIT {

    private final TrainerFixture fx = TrainerFixture.get();

    @Test
    void hearsEachChangeOfThisJobsIntentOnceAndNeverOtherJobsOrItsOwnProgress() throws Exception {
        UUID job = fx.insertJob("synthetic_data", "{}", null, 0);
        UUID other = fx.insertJob("synthetic_data", "{}", null, 0);
        try (IntentListener listener = IntentListener.start(fx.database(), job)) {
            await(listener::listening, "LISTEN in place");
            // Notifications arrive in commit order: once a change is heard, everything before it was too.
            fx.update("UPDATE training_jobs SET status = 'running' WHERE id = ?", job);
            awaitHeard(listener, 1, "the first intent (running)");
            assertThat(listener.changed()).isTrue();
            assertThat(listener.changed()).as("cleared by asking").isFalse();

            fx.update("UPDATE training_jobs SET current_round = 2 WHERE id = ?", job);
            fx.update("UPDATE training_jobs SET desired_state = 'paused', pause_at = 'round' WHERE id = ?", other);
            fx.update("UPDATE training_jobs SET desired_state = 'paused', pause_at = 'round' WHERE id = ?", job);
            awaitHeard(listener, 2, "this job's pause");
            fx.update("UPDATE training_jobs SET current_round = 3, status = 'pausing' WHERE id = ?", job);
            fx.update("UPDATE training_jobs SET desired_state = 'cancelled' WHERE id = ?", job);
            awaitHeard(listener, 3, "this job's cancel");
            assertThat(listener.heard()).as("its own progress and another job's pause were no news").isEqualTo(3);
            assertThat(listener.changed()).isTrue();
        }
    }

    @Test
    void theStoreReportsAChangeOnlyWhileListening() throws Exception {
        UUID job = fx.insertJob("synthetic_data", "{}", null, 0);
        JobStore store = fx.store(job, 1);
        try (AutoCloseable ignored = store.listenForIntents()) {
            // Until the LISTEN is in place a change may be missed, so the intent changes until one is heard.
            int[] changes = {0};
            await(() -> {
                fx.update("UPDATE training_jobs SET desired_state = ? WHERE id = ?",
                        changes[0]++ % 2 == 0 ? "cancelled" : "paused", job);
                return store.intentMayHaveChanged();
            }, "a change heard");
        }
        fx.update("UPDATE training_jobs SET desired_state = 'paused' WHERE id = ?", job);
        assertThat(store.intentMayHaveChanged()).as("closed: nothing heard").isFalse();
    }

    private static void awaitHeard(IntentListener listener, int count, String what) {
        await(() -> listener.heard() >= count, what + " heard");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
