#!/usr/bin/env bash
# One attempt of a job on YARN (cluster mode) with GPUs: what the control plane submits when it
# runs with pausable.spark.master=yarn and deploy-mode=cluster, written out for operators who
# launch or debug an attempt by hand. Not run by the tests (no YARN here).
#
#   submit/spark-submit-yarn.sh --job-id <uuid> --attempt <n> [--checkpoint <s3a://…zip>]
#
# Needs: SPARK_HOME (Spark 3.5 with hadoop-aws; spark-dist/target/spark-home is one), HADOOP_CONF_DIR,
# the trainer built with the CUDA backend:
#   mvn -B -Pcuda -pl spark-trainer -am package -DskipTests
# and the database settings in PAUSABLE_DB_URL / PAUSABLE_DB_USER / PAUSABLE_DB_PASSWORD.
# GPU executors need YARN 3.1+ with the GPU resource type enabled (yarn.io/gpu) and Spark's
# discovery script on every node manager (GPU_DISCOVERY_SCRIPT).
#
# Preemption: YARN stops a preempted or killed container (yarn application -kill, RM preemption) with
# SIGTERM, then SIGKILL after the node manager's yarn.nodemanager.sleep-delay-before-sigkill.ms (default
# 250 ms, a cluster setting in yarn-site.xml, not a per-application one). On SIGTERM the driver finishes its
# averaging round, uploads and commits a checkpoint of it and hands the job to the next attempt: set that
# delay to cover the longest round plus one checkpoint upload (e.g. 120000), or a preempted attempt falls
# back to the latest committed checkpoint. spark.yarn.maxAppAttempts=1: the control plane, not YARN,
# starts the next attempt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$(dirname "${BASH_SOURCE[0]}")/attempt-args.sh"
TRAINER_JAR="${TRAINER_JAR:-$ROOT/spark-trainer/target/spark-trainer.jar}"
QUEUE="${YARN_QUEUE:-default}"

# The database password reaches the application master's environment through a properties file only
# this user can read (spark-defaults.conf plus that line), never through argv; Spark's UI redacts it.
props="$(umask 077 && mktemp)"
trap 'rm -f "$props"' EXIT
if [[ -f "$SPARK_HOME/conf/spark-defaults.conf" ]]; then
  cat "$SPARK_HOME/conf/spark-defaults.conf" >"$props"
fi
printf '\nspark.yarn.appMasterEnv.PAUSABLE_DB_PASSWORD %s\n' "${PAUSABLE_DB_PASSWORD:-}" >>"$props"

# The application name is the submission tag: a restarted control plane finds the attempt by it.
"$SPARK_HOME/bin/spark-submit" --properties-file "$props" \
  --master yarn --deploy-mode cluster --queue "$QUEUE" \
  --name "pausable-$job_id-a$attempt" \
  --class dev.pausable.trainer.TrainerMain \
  --num-executors "$EXECUTORS" --executor-cores 4 --executor-memory 16g --driver-memory 4g \
  --conf spark.executor.memoryOverhead=8g \
  --conf spark.executor.resource.gpu.amount="$GPUS_PER_EXECUTOR" \
  --conf spark.task.resource.gpu.amount="$GPUS_PER_EXECUTOR" \
  --conf spark.executor.resource.gpu.discoveryScript="$GPU_DISCOVERY_SCRIPT" \
  --conf spark.task.cpus=4 \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf spark.pausable.checkpointRoot="$CHECKPOINT_ROOT" \
  --conf spark.pausable.datasetRoot="$DATASET_ROOT" \
  --conf spark.yarn.appMasterEnv.PAUSABLE_DB_URL="$PAUSABLE_DB_URL" \
  --conf spark.yarn.appMasterEnv.PAUSABLE_DB_USER="${PAUSABLE_DB_USER:-}" \
  "$TRAINER_JAR" --job-id "$job_id" --attempt "$attempt" ${checkpoint:+--checkpoint "$checkpoint"}
