-- How long the trainer took to write each checkpoint (encode, SHA-256, upload), for operators'
-- metrics, and a notification per stored checkpoint so dashboards and the control plane's metrics
-- see it as it is committed.
ALTER TABLE checkpoints ADD COLUMN write_ms bigint CHECK (write_ms >= 0);

CREATE FUNCTION checkpoints_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('training_events', json_build_object(
        'event', 'checkpoint_stored',
        'data', json_build_object(
            'job_id', NEW.job_id,
            'attempt', NEW.attempt,
            'epoch', NEW.epoch,
            'kind', NEW.kind,
            'size_bytes', NEW.size_bytes,
            'write_ms', NEW.write_ms,
            'created_at', NEW.created_at))::text);
    RETURN NEW;
END
$$;

CREATE TRIGGER checkpoints_notify
    AFTER INSERT ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION checkpoints_notify();
