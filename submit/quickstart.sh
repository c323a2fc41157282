#!/usr/bin/env bash
# Everything on one machine, on loopback, with embedded defaults: builds what is missing, starts a
# real S3 server (s3proxy, filesystem backend), the control plane (with its embedded PostgreSQL),
# and submits to Spark local[2] from the SPARK_HOME the build assembles. Then runs the demo:
# generate a dataset, train, pause, resume, complete. Ctrl-C or SIGTERM stops everything it started.
#
#   submit/quickstart.sh [--port P] [--data-dir D] [--s3-port S] [--trainer-jar J] [--no-demo]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=8090
DATA_DIR="$PWD/data/quickstart"
S3_PORT=""
TRAINER_JAR=""
DEMO=1
S3PROXY_VERSION=2.6.0
BUCKET=training

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --data-dir) DATA_DIR="$2"; shift 2 ;;
    --s3-port) S3_PORT="$2"; shift 2 ;;
    --trainer-jar) TRAINER_JAR="$2"; shift 2 ;;
    --no-demo) DEMO=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
LOGS="$DATA_DIR/logs"
mkdir -p "$LOGS" "$DATA_DIR/s3/$BUCKET" "$DATA_DIR/lib" "$DATA_DIR/spark-local"

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_port() {
  local port="$1" what="$2" pid="$3"
  for _ in $(seq 1 600); do
    port_in_use "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$what exited; see $LOGS" >&2; return 1; }
    sleep 0.2
  done
  echo "$what did not start on port $port" >&2
  return 1
}

if [[ -z "$S3_PORT" ]]; then
  S3_PORT=9000
  while port_in_use "$S3_PORT"; do S3_PORT=$((S3_PORT + 1)); done
fi
if port_in_use "$PORT"; then
  echo "Port $PORT is in use; pass --port" >&2
  exit 1
fi

build() {
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never "$@") >>"$LOGS/build.log" 2>&1 \
    || { cat "$LOGS/build.log" >&2; echo "Build failed" >&2; exit 1; }
}

CONTROL_PLANE_JAR="$ROOT/control-plane/target/control-plane.jar"
# Another trainer jar (the -Pcuda build, say: submit/gpu-smoke.sh) is used as given.
TRAINER_JAR="${TRAINER_JAR:-$ROOT/spark-trainer/target/spark-trainer.jar}"
SPARK_HOME_DIR="$ROOT/spark-dist/target/spark-home"
if [[ ! -f "$CONTROL_PLANE_JAR" || ! -f "$TRAINER_JAR" || ! -x "$SPARK_HOME_DIR/bin/spark-submit" ]]; then
  echo "Building (first run only; log: $LOGS/build.log)..."
  build -DskipTests package
fi
S3PROXY_JAR="$DATA_DIR/lib/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
if [[ ! -f "$S3PROXY_JAR" ]]; then
  build org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" -DoutputDirectory="$DATA_DIR/lib"
fi

PIDS=()
cleanup() {
  trap - EXIT INT TERM
  # Newest first: the control plane stops its drivers' database before s3proxy goes.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Throwaway credentials for this run's S3 server; s3a and s3proxy read them from here.
random_hex() {
  od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}
AWS_ACCESS_KEY_ID="quickstart-$(random_hex 6)"
AWS_SECRET_ACCESS_KEY="$(random_hex 16)"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
cat >"$DATA_DIR/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$DATA_DIR/s3
PROPS
java -XX:TieredStopAtLevel=1 -jar "$S3PROXY_JAR" --properties "$DATA_DIR/s3proxy.properties" \
  >"$LOGS/s3proxy.log" 2>&1 &
PIDS+=($!)
wait_for_port "$S3_PORT" s3proxy "${PIDS[-1]}"

s3a() {
  printf -- '--pausable.spark.conf[spark.hadoop.fs.s3a.%s]=%s\n' "$1" "$2"
}
mapfile -t S3A_SETTINGS < <(
  s3a endpoint "http://127.0.0.1:$S3_PORT"
  s3a path.style.access true
  s3a connection.ssl.enabled false
  s3a change.detection.mode client
  s3a directory.marker.retention keep
  s3a bucket.probe 0
  s3a attempts.maximum 2
  s3a retry.limit 2
  s3a connection.establish.timeout 5000
  s3a connection.timeout 10000
)
SPARK_LOCAL_IP=127.0.0.1 java -jar "$CONTROL_PLANE_JAR" \
  --server.port="$PORT" \
  --pausable.embedded-db.directory="$DATA_DIR/postgres" \
  --pausable.auth.admin-token-file="$DATA_DIR/admin-token" \
  --pausable.spark.home="$SPARK_HOME_DIR" \
  --pausable.spark.trainer-jar="$TRAINER_JAR" \
  --pausable.spark.master='local[2]' \
  --pausable.spark.checkpoint-root="s3a://$BUCKET/checkpoints" \
  --pausable.spark.dataset-root="s3a://$BUCKET/datasets" \
  --pausable.spark.log-directory="$LOGS/spark" \
  '--pausable.spark.conf[spark.ui.enabled]=false' \
  '--pausable.spark.conf[spark.driver.host]=127.0.0.1' \
  "--pausable.spark.conf[spark.local.dir]=$DATA_DIR/spark-local" \
  "--pausable.spark.conf[spark.driver.extraJavaOptions]=-Dorg.bytedeco.javacpp.cachedir=$DATA_DIR/javacpp" \
  "${S3A_SETTINGS[@]}" \
  >"$LOGS/control-plane.log" 2>&1 &
PIDS+=($!)
wait_for_port "$PORT" "control plane" "${PIDS[-1]}"
for _ in $(seq 1 300); do
  grep -q ' DB: ' "$LOGS/control-plane.log" && [[ -s "$DATA_DIR/admin-token" ]] && break
  sleep 0.2
done
# The admin token the control plane's first start wrote (only this user can read the file).
TOKEN="$(cat "$DATA_DIR/admin-token")"
AUTH="Authorization: Bearer $TOKEN"

echo "API: http://127.0.0.1:$PORT  (send -H 'Authorization: Bearer <token>')"
echo "Token: $TOKEN"
# A local development stack: the database line carries the generated administrator password, so it
# pastes straight into psql or a JDBC tool (the control plane itself only logs the password's file).
echo "$(grep -o 'DB: jdbc:[^ ]*' "$LOGS/control-plane.log" | head -1)&password=$(cat "$DATA_DIR/postgres/postgres.password")"
echo "S3: http://127.0.0.1:$S3_PORT bucket=$BUCKET"
echo "Dashboard: http://127.0.0.1:$PORT/?token=$TOKEN  (API docs: /swagger-ui.html, metrics: /actuator/prometheus)"
echo "Logs: $LOGS"

API="http://127.0.0.1:$PORT/v1/training/jobs"
field() {
  # The first "name": value of a flat field in a JSON document (enough for the API's job objects).
  sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" | head -1
}
job() { curl -sf -H "$AUTH" "$API/$1"; }
wait_status() {
  local id="$1" want="$2" min_epoch="${3:-0}" body status epoch
  while true; do
    body="$(job "$id")"
    status="$(field status <<<"$body")"
    epoch="$(field current_epoch <<<"$body")"
    printf '  %s: %s, epoch %s/%s, val_loss %s\n' "$id" "$status" "$epoch" "$(field total_epochs <<<"$body")" \
      "$(field val_loss <<<"$body")"
    [[ "$status" == failed || "$status" == cancelled ]] && { echo "  $(field error_message <<<"$body")"; return 1; }
    [[ "$status" == "$want" && "$epoch" -ge "$min_epoch" ]] && return 0
    sleep 2
  done
}

if [[ "$DEMO" == 1 ]]; then
  echo "Demo: generating a synthetic dataset..."
  synthetic="$(curl -sf -XPOST "$API" -H 'Content-Type: application/json' -H "$AUTH" \
    -d '{"job_name": "rss demo", "job_type": "synthetic_data", "config": {"num_samples": 20000, "seed": 7}}')"
  sid="$(field id <<<"$synthetic")"
  wait_status "$sid" completed
  dataset="$(job "$sid" | field dataset_id)"
  echo "Demo: training on dataset $dataset..."
  training="$(curl -sf -XPOST "$API" -H 'Content-Type: application/json' -H "$AUTH" \
    -d "{\"job_name\": \"demo\", \"config\": {\"dataset_id\": \"$dataset\", \"epochs\": 12, \"batch_size\": 32,
         \"learning_rate\": 0.001, \"seed\": 7}}")"
  tid="$(field id <<<"$training")"
  wait_status "$tid" running 3
  echo "Demo: pausing: $(curl -sf -XPOST -H "$AUTH" "$API/$tid/pause")"
  wait_status "$tid" paused
  echo "Demo: checkpoint $(job "$tid" | field pause_checkpoint_path)"
  echo "Demo: resuming: $(curl -sf -XPOST -H "$AUTH" "$API/$tid/resume")"
  wait_status "$tid" completed
  echo "Demo: done. The stack stays up; Ctrl-C stops it."
fi
wait "${PIDS[@]}"
