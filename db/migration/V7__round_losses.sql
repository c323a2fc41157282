-- Train loss within epochs (issue 11): a sample of the averaging rounds' losses, one row per round report
-- (at most every spark.pausable.roundReportMillis), so dashboards show progress between epochs without a
-- row per round in training_metrics. epoch: the epoch being trained (1-based); round: rounds done in it.
CREATE TABLE round_losses (
    job_id      uuid             NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    attempt     integer          NOT NULL,
    epoch       integer          NOT NULL CHECK (epoch >= 1),
    round       integer          NOT NULL CHECK (round >= 1),
    rounds      integer          NOT NULL CHECK (rounds >= round),
    train_loss  double precision,
    recorded_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, attempt, epoch, round)
);
