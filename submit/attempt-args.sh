# Sourced by the spark-submit-*.sh scripts: the trainer's own arguments for one attempt, as the
# control plane passes them (--job-id <uuid> --attempt <n> [--checkpoint <uri>]), plus the settings
# every cluster script shares. Sets job_id, attempt, checkpoint; a missing one is a usage error
# (exit 2, the calling script's usage line on stderr).
: "${SPARK_HOME:?set SPARK_HOME}"
: "${PAUSABLE_DB_URL:?set PAUSABLE_DB_URL (jdbc:postgresql://…)}"
EXECUTORS="${EXECUTORS:-2}"
GPUS_PER_EXECUTOR="${GPUS_PER_EXECUTOR:-1}"
GPU_DISCOVERY_SCRIPT="${GPU_DISCOVERY_SCRIPT:-/opt/spark/scripts/getGpusResources.sh}"
CHECKPOINT_ROOT="${CHECKPOINT_ROOT:-s3a://training/checkpoints}"
DATASET_ROOT="${DATASET_ROOT:-s3a://training/datasets}"

job_id="" attempt="" checkpoint=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --job-id) job_id="$2"; shift 2 ;;
    --attempt) attempt="$2"; shift 2 ;;
    --checkpoint) checkpoint="$2"; shift 2 ;;
    *) echo "Unknown option: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$job_id" && -n "$attempt" ]] || { sed -n '6p' "$0" >&2; exit 2; }
