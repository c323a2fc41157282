#!/usr/bin/env bash
# The GPU build, checked on a machine without a GPU: builds the trainer with ND4J's CUDA 11.6 backend
# (-Pcuda) into a scratch copy of the repository, checks that the dependency tree resolves to the CUDA
# backend and no CPU one, and that the shaded jar holds the backend's classes and its native library;
# prints the jar's size, then deletes the scratch copy (the jar is about 620 MB).
#
#   submit/check-cuda-build.sh [--keep]   (--keep: leave the jar in target/cuda-check/spark-trainer-cuda.jar)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEEP=0
[[ "${1:-}" == --keep ]] && KEEP=1
OUT="$ROOT/target/cuda-check"
rm -rf "$OUT"
mkdir -p "$OUT"
# A scratch copy, so the CPU jar the tests and the quickstart use is never replaced.
git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$OUT"
cleanup() { [[ "$KEEP" == 1 ]] || rm -rf "$OUT"; }
trap cleanup EXIT

mvn() { command mvn -B -q -Dstyle.color=never -f "$OUT/pom.xml" "$@"; }
mvn -Pcuda -pl spark-trainer -am dependency:tree -DoutputFile="$OUT/tree.txt" -DappendOutput=true >/dev/null
# The trainer's own tree (the modules it needs come first; their test scopes are not in the jar).
sed -n '/^dev.pausable:spark-trainer:jar/,$p' "$OUT/tree.txt" >"$OUT/trainer-tree.txt"
grep -q 'org.nd4j:nd4j-cuda-11.6:jar:linux-x86_64' "$OUT/trainer-tree.txt" \
  || { echo "The -Pcuda dependency tree has no nd4j-cuda-11.6 natives" >&2; exit 1; }
if grep -E 'org.nd4j:nd4j-native:jar:.*:(compile|runtime)' "$OUT/trainer-tree.txt"; then
  echo "The -Pcuda dependency tree still has the CPU backend" >&2
  exit 1
fi
mvn -Pcuda -pl spark-trainer -am package -DskipTests
JAR="$OUT/spark-trainer/target/spark-trainer.jar"
ENTRIES="$(jar tf "$JAR")"
for entry in org/nd4j/linalg/jcublas/JCublasBackend.class org/nd4j/linalg/jcublas/bindings/linux-x86_64/libjnind4jcuda.so \
    org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so; do
  grep -qx "$entry" <<<"$ENTRIES" || { echo "The CUDA jar lacks $entry" >&2; exit 1; }
done
# ND4J finds its backend through this service file; shading must keep the CUDA one in it.
(cd "$OUT" && jar xf "$JAR" META-INF/services/org.nd4j.linalg.factory.Nd4jBackend)
grep -q JCublasBackend "$OUT/META-INF/services/org.nd4j.linalg.factory.Nd4jBackend" \
  || { echo "The CUDA jar's Nd4jBackend service does not name JCublasBackend" >&2; exit 1; }
if grep -q '^org/nd4j/linalg/cpu/nativecpu/CpuBackend.class$' <<<"$ENTRIES"; then
  echo "The CUDA jar still holds the CPU backend" >&2
  exit 1
fi
echo "CUDA trainer jar OK: $(du -m "$JAR" | cut -f1) MB, $(wc -l <<<"$ENTRIES") entries, backend $(grep -c jcublas <<<"$ENTRIES") jcublas classes"
if [[ "$KEEP" == 1 ]]; then
  mv "$JAR" "$OUT/spark-trainer-cuda.jar"
  echo "Kept: $OUT/spark-trainer-cuda.jar"
fi
