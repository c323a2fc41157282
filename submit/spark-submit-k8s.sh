#!/usr/bin/env bash
# One attempt of a job on Kubernetes (cluster mode) with NVIDIA GPUs: what the control plane submits
# with pausable.spark.master=k8s://… and deploy-mode=cluster, written out for operators who launch
# or debug an attempt by hand. Not run by the tests (no Kubernetes here).
#
#   submit/spark-submit-k8s.sh --job-id <uuid> --attempt <n> [--checkpoint <s3a://…zip>]
#
# Needs: SPARK_HOME (Spark 3.5), K8S_API (https://host:6443), an image with Spark 3.5, Java 17 and
# the CUDA 11.6 runtime holding the trainer built with the CUDA backend at /opt/pausable/:
#   mvn -B -Pcuda -pl spark-trainer -am package -DskipTests
# a service account allowed to create executor pods, and a Secret with the database password
# (kubectl create secret generic pausable-db --from-literal=password=…). Nodes expose nvidia.com/gpu
# (NVIDIA device plugin); Spark's GPU discovery script is in the image (GPU_DISCOVERY_SCRIPT).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/attempt-args.sh"
: "${K8S_API:?set K8S_API (https://host:6443)}"
IMAGE="${IMAGE:-registry.internal/pausable/spark-trainer-cuda:0.1.0}"
NAMESPACE="${NAMESPACE:-training}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-spark}"
# Preemption: an evicted or deleted driver pod gets SIGTERM, then SIGKILL after the pod's
# terminationGracePeriodSeconds (Kubernetes' default is 30 s). On SIGTERM the driver finishes its
# averaging round, uploads and commits a checkpoint of it and hands the job to the next attempt; the grace
# must cover the longest round plus one checkpoint upload, or the next attempt falls back to the latest
# committed checkpoint. spark-submit --kill deletes the pod with the same grace.
GRACE_SECONDS="${GRACE_SECONDS:-120}"
template="$(mktemp --suffix=.yaml)"
trap 'rm -f "$template"' EXIT
printf 'apiVersion: v1\nkind: Pod\nspec:\n  terminationGracePeriodSeconds: %s\n' "$GRACE_SECONDS" >"$template"

# The application name is the submission tag (pod names and labels derive from it); the password
# comes from a Secret, never from this command line.
"$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --name "pausable-$job_id-a$attempt" \
  --class dev.pausable.trainer.TrainerMain \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.driver.podTemplateFile="$template" \
  --conf spark.kubernetes.appKillPodDeletionGracePeriod="$GRACE_SECONDS" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="$SERVICE_ACCOUNT" \
  --conf spark.kubernetes.driver.label.pausable/job-id="$job_id" \
  --conf spark.kubernetes.driver.label.pausable/attempt="$attempt" \
  --conf spark.executor.instances="$EXECUTORS" \
  --conf spark.executor.cores=4 --conf spark.executor.memory=16g --conf spark.driver.memory=4g \
  --conf spark.executor.memoryOverhead=8g \
  --conf spark.executor.resource.gpu.amount="$GPUS_PER_EXECUTOR" \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.executor.resource.gpu.discoveryScript="$GPU_DISCOVERY_SCRIPT" \
  --conf spark.task.resource.gpu.amount="$GPUS_PER_EXECUTOR" \
  --conf spark.task.cpus=4 \
  --conf spark.pausable.checkpointRoot="$CHECKPOINT_ROOT" \
  --conf spark.pausable.datasetRoot="$DATASET_ROOT" \
  --conf spark.kubernetes.driverEnv.PAUSABLE_DB_URL="$PAUSABLE_DB_URL" \
  --conf spark.kubernetes.driverEnv.PAUSABLE_DB_USER="${PAUSABLE_DB_USER:-pausable}" \
  --conf spark.kubernetes.driver.secretKeyRef.PAUSABLE_DB_PASSWORD=pausable-db:password \
  --conf spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID=pausable-s3:access-key \
  --conf spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY=pausable-s3:secret-key \
  --conf spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID=pausable-s3:access-key \
  --conf spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY=pausable-s3:secret-key \
  local:///opt/pausable/spark-trainer.jar \
  --job-id "$job_id" --attempt "$attempt" ${checkpoint:+--checkpoint "$checkpoint"}
