#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: trains one small job on ND4J's CUDA backend (the -Pcuda trainer jar)
# and the same job on the CPU backend, each through the quickstart stack, and compares their loss
# curves epoch by epoch. Exit 0 when every epoch's validation loss agrees within the tolerance (the two
# backends round differently, so the curves are close, not bit-identical), 1 when they do not, 2 when
# there is no GPU or the CUDA backend did not load.
#
#   submit/gpu-smoke.sh [--data-dir D] [--epochs N] [--tolerance T]   (T: relative, default 0.02)
#
# Needs: the NVIDIA driver (libcuda.so.1, nvidia-smi; 450.80.02 or newer for CUDA 11.x), cuBLAS and
# cuSOLVER of CUDA 11 (libcublas.so.11, libcusolver.so.11), curl, Maven.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="$PWD/data/gpu-smoke"
EPOCHS=5
TOLERANCE=0.02

while [[ $# -gt 0 ]]; do
  case "$1" in
    --data-dir) DATA_DIR="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --tolerance) TOLERANCE="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $1" >&2; exit 2 ;;
  esac
done

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "No NVIDIA GPU here (nvidia-smi finds none): this smoke test runs only on a GPU machine" >&2
  exit 2
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
CUDA_JAR="$DATA_DIR/spark-trainer-cuda.jar"
if [[ ! -f "$CUDA_JAR" ]]; then
  echo "Building the CUDA trainer jar (about 650 MB)..."
  (cd "$ROOT" && mvn -B -q -Pcuda -pl spark-trainer -am package -DskipTests) >"$DATA_DIR/build.log" 2>&1
  mv "$ROOT/spark-trainer/target/spark-trainer.jar" "$CUDA_JAR"
  echo "Building the CPU trainer jar again..."
  (cd "$ROOT" && mvn -B -q -pl spark-trainer -am package -DskipTests) >>"$DATA_DIR/build.log" 2>&1
fi

PORT=8190
STACK_PID=""
stop_stack() {
  if [[ -n "$STACK_PID" ]]; then
    kill -TERM "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
    STACK_PID=""
  fi
}
trap stop_stack EXIT

# Runs the job on the given trainer jar; prints "epoch val_loss" lines.
losses() {
  local jar="$1" dir="$2" token api sid dataset tid status
  rm -rf "$dir"
  "$ROOT/submit/quickstart.sh" --no-demo --port "$PORT" --data-dir "$dir" --trainer-jar "$jar" \
    >"$dir.log" 2>&1 &
  STACK_PID=$!
  for _ in $(seq 1 900); do
    grep -q '^Token: ' "$dir.log" 2>/dev/null && break
    kill -0 "$STACK_PID" 2>/dev/null || { cat "$dir.log" >&2; return 1; }
    sleep 1
  done
  token="$(sed -n 's/^Token: //p' "$dir.log")"
  api="http://127.0.0.1:$PORT/v1/training/jobs"
  call() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
  field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" | head -1; }
  await() {
    while true; do
      status="$(call "$api/$1" | field status)"
      [[ "$status" == completed ]] && return 0
      [[ "$status" == failed || "$status" == cancelled ]] && { call "$api/$1" >&2; return 1; }
      sleep 2
    done
  }
  sid="$(call -XPOST "$api" -d '{"job_name": "gpu smoke data", "job_type": "synthetic_data",
    "config": {"num_samples": 20000, "seed": 7}}' | field id)"
  await "$sid"
  dataset="$(call "$api/$sid" | field dataset_id)"
  tid="$(call -XPOST "$api" -d "{\"job_name\": \"gpu smoke\", \"config\": {\"dataset_id\": \"$dataset\",
    \"epochs\": $EPOCHS, \"batch_size\": 64, \"learning_rate\": 0.001, \"seed\": 7, \"workers\": 1}}" | field id)"
  await "$tid"
  call "$api/$tid/metrics" | grep -o '"epoch":[0-9]*,[^}]*"val_loss":[0-9.eE+-]*' \
    | sed 's/"epoch":\([0-9]*\),.*"val_loss":\(.*\)/\1 \2/'
  stop_stack
}

echo "CUDA backend run..."
losses "$CUDA_JAR" "$DATA_DIR/cuda" >"$DATA_DIR/cuda.losses"
if ! grep -rqs 'JCublasBackend' "$DATA_DIR/cuda/logs/spark"; then
  echo "The CUDA backend did not load (no JCublasBackend in $DATA_DIR/cuda/logs/spark)" >&2
  exit 2
fi
echo "CPU backend run..."
losses "$ROOT/spark-trainer/target/spark-trainer.jar" "$DATA_DIR/cpu" >"$DATA_DIR/cpu.losses"

echo "epoch  val_loss(cuda)  val_loss(cpu)  relative difference"
join "$DATA_DIR/cuda.losses" "$DATA_DIR/cpu.losses" | awk -v tol="$TOLERANCE" '
  { d = ($2 - $3) / ($3 == 0 ? 1 : $3); if (d < 0) d = -d;
    printf "%5d  %14.6g  %13.6g  %.4f\n", $1, $2, $3, d; if (d > tol) bad = 1; n++ }
  END { if (n == 0) { print "no epochs compared"; exit 1 } exit bad }'
