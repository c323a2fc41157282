package dev.pausable.contract;

import java.util.List;
import java.util.Optional;

/**
 * The change notifications the database sends on channel {@link #CHANNEL} (triggers in
 * {@code db/migration}) and the control plane relays over WebSocket unchanged but for the
 * {@link Keys#ACTIONS} it adds to job updates: {@code {"event": <name>, "data": {<keys>}}}.
 * Each event lists the keys its trigger writes (a test holds the migrations to them).
 */
public enum ChangeEvent {
    /** A job row was inserted or changed (heartbeats alone are not news). */
    JOB_UPDATE("training_job_update", Keys.JOB_ID, Keys.JOB_NAME, Keys.JOB_TYPE, Keys.STATUS, Keys.DESIRED_STATE,
            Keys.CURRENT_EPOCH, Keys.TOTAL_EPOCHS, Keys.PROGRESS_PERCENT, Keys.TRAIN_LOSS, Keys.VAL_LOSS,
            Keys.BEST_VAL_LOSS, Keys.BEST_EPOCH, Keys.ATTEMPT, Keys.SUBMISSION_ID, Keys.ERROR_MESSAGE, Keys.UPDATED_AT,
            Keys.RESTART_COUNT, Keys.LATEST_CHECKPOINT_EPOCH, Keys.PAUSE_AT, Keys.CURRENT_ROUND, Keys.ROUNDS_PER_EPOCH),
    /** A job was deleted. */
    JOB_DELETED("training_job_deleted", Keys.JOB_ID),
    /** An epoch's metrics row was recorded. */
    PROGRESS("training_progress", Keys.JOB_ID, Keys.ATTEMPT, Keys.EPOCH, Keys.TRAIN_LOSS, Keys.VAL_LOSS,
            Keys.LEARNING_RATE, Keys.DURATION_MS, Keys.SAMPLES_PER_SECOND, Keys.RECORDED_AT),
    /** A checkpoint row was committed. */
    CHECKPOINT_STORED("checkpoint_stored", Keys.JOB_ID, Keys.ATTEMPT, Keys.EPOCH, Keys.KIND, Keys.SIZE_BYTES,
            Keys.WRITE_MS, Keys.CREATED_AT);

    /** The PostgreSQL channel every event is sent on. */
    public static final String CHANNEL = "training_events";
    /** The message's event name. */
    public static final String EVENT = "event";
    /** The message's payload object. */
    public static final String DATA = "data";

    private final String wire;
    private final List<String> keys;

    ChangeEvent(String wire, String... keys) {
        this.wire = wire;
        this.keys = List.of(keys);
    }

    public String wire() {
        return wire;
    }

    /** The keys of {@code data}, as the trigger writes them. */
    public List<String> keys() {
        return keys;
    }

    public static Optional<ChangeEvent> fromWire(String value) {
        for (ChangeEvent event : values()) {
            if (event.wire.equals(value)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /** Payload keys. */
    public static final class Keys {
        public static final String JOB_ID = "job_id";
        public static final String JOB_NAME = "job_name";
        public static final String JOB_TYPE = "job_type";
        public static final String STATUS = "status";
        public static final String DESIRED_STATE = "desired_state";
        public static final String CURRENT_EPOCH = "current_epoch";
        public static final String TOTAL_EPOCHS = "total_epochs";
        public static final String PROGRESS_PERCENT = "progress_percent";
        public static final String TRAIN_LOSS = "train_loss";
        public static final String VAL_LOSS = "val_loss";
        public static final String BEST_VAL_LOSS = "best_val_loss";
        public static final String BEST_EPOCH = "best_epoch";
        public static final String ATTEMPT = "attempt";
        public static final String SUBMISSION_ID = "submission_id";
        public static final String ERROR_MESSAGE = "error_message";
        public static final String UPDATED_AT = "updated_at";
        public static final String EPOCH = "epoch";
        public static final String LEARNING_RATE = "learning_rate";
        public static final String DURATION_MS = "duration_ms";
        public static final String SAMPLES_PER_SECOND = "samples_per_second";
        public static final String RECORDED_AT = "recorded_at";
        public static final String KIND = "kind";
        public static final String SIZE_BYTES = "size_bytes";
        public static final String WRITE_MS = "write_ms";
        public static final String CREATED_AT = "created_at";
        public static final String RESTART_COUNT = "restart_count";
        public static final String LATEST_CHECKPOINT_EPOCH = "latest_checkpoint_epoch";
        public static final String PAUSE_AT = "pause_at";
        public static final String CURRENT_ROUND = "current_round";
        public static final String ROUNDS_PER_EPOCH = "rounds_per_epoch";
        /** Added by the control plane to job updates: the {@link JobAction}s offered in the new state. */
        public static final String ACTIONS = "actions";

        private Keys() {
        }
    }
}
