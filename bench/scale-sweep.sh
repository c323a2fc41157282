#!/usr/bin/env bash
# The scale sweep of issue 13 in one run, with its plots: checkpoint cost from 5k to 5M parameters on
# s3proxy (spark-trainer's CheckpointSizeBenchmark), then workers 1/2/4 and dataset rows from 100k to
# millions on a real standalone cluster through the control plane (e2e's ScaleSweepBenchmark).
#   bench/scale-sweep.sh [OUT_DIR] [-Dbench.sweepRows=100000,300000 ...]
# OUT_DIR defaults to docs/bench: scale-sweep.txt and three SVG charts. About 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/bench
if [[ $# -gt 0 && $1 != -* ]]; then
  out=$1
  shift
fi
mvn -B -q install -DskipTests
mvn -B -Pbench verify -pl spark-trainer,e2e -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test='CheckpointSizeBenchmark,ScaleSweepBenchmark' "$@"
mkdir -p "$out"
{
  echo "# Scale sweep, $(date -u +%Y-%m-%d), $(nproc) cores, commit $(git rev-parse --short HEAD)"
  cat spark-trainer/target/bench/checkpoint-size.txt e2e/target/bench/scale-sweep.txt
} > "$out/scale-sweep.txt"
java bench/Plot.java spark-trainer/target/bench/checkpoint-size.tsv "$out/checkpoint-size.svg" \
  "Checkpoint on S3 (s3proxy): ours against raw s3a" "parameters (Adam)" "ms (median)" logx logy
java bench/Plot.java e2e/target/bench/workers.tsv "$out/workers.svg" \
  "Training throughput on the standalone cluster" "workers" "samples/s"
java bench/Plot.java e2e/target/bench/rows.tsv "$out/rows.svg" \
  "Time per row as the dataset grows (2 workers)" "dataset rows" "microseconds per row" logx logy
echo "Written to $out: scale-sweep.txt, checkpoint-size.svg, workers.svg, rows.svg"
