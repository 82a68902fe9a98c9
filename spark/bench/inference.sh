#!/usr/bin/env bash
# Inference throughput: `vgg4j predict` (one process, ONNX Runtime) against `vgg4j spark-classify --master local[2]`
# on the same PNG files and the same ONNX model. Usage: spark/bench/inference.sh [IMAGES] [SIZE] [DIR]
# (predict puts every file into one batch, so keep IMAGES x SIZE^2 modest: 500 at 224, 5000 at 32).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-5000}"
SIZE="${2:-224}"
DIR="${3:-$(mktemp -d)}"
cd "$ROOT"
mvn -B -q -o -pl spark -am verify -Dtest=InferenceFixtures -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvgg4j.bench.dir="$DIR" -Dvgg4j.bench.images="$N" -Dvgg4j.bench.size="$SIZE"
mvn -B -q -o -DskipTests -pl cli -am package && touch cli/target/vgg4j-cli.jar
./vgg4j spark-classify --help >/dev/null   # builds the Spark application if needed
echo "load before: $(uptime)"
start=$(date +%s.%N)
./vgg4j predict --onnx "$DIR/model.onnx" --top-k 1 "$DIR"/images/*.png > "$DIR/predict.txt"
predict=$(echo "$(date +%s.%N) - $start" | bc)
# Three times: as before issue 12's fix (each batch decoded while holding the JVM's one session, so decoding never
# overlaps inference: -Dvgg4j.spark.decodeUnderSession=true; Spark's default open cost per file, 4 MB: about 32 small
# files per task, each task writing its own Parquet file), then decoded outside the session with 4 MB, then as now
# (spark-classify's default open cost, 64 KB: files packed by size, here one task per core).
spark_run() { # NAME JAVA_OPTS
  local start; start=$(date +%s.%N)
  VGG4J_JAVA_OPTS="$2" ./vgg4j spark-classify --master 'local[2]' \
    --onnx "$DIR/model.onnx" --input "$DIR/images" --output "$DIR/out-$1-$(date +%s).parquet" | tee "$DIR/spark-$1.txt" >&2 || return 1
  echo "$(date +%s.%N) - $start" | bc
}
before=$(spark_run before "-Dvgg4j.spark.decodeUnderSession=true -Dspark.sql.files.openCostInBytes=4194304")
spark4mb=$(spark_run 4mb -Dspark.sql.files.openCostInBytes=4194304)
spark=$(spark_run 64kb "")
# predict again, last: on a shared machine the load drifts during the run, and this shows by how much.
start=$(date +%s.%N)
./vgg4j predict --onnx "$DIR/model.onnx" --top-k 1 "$DIR"/images/*.png > "$DIR/predict-again.txt"
again=$(echo "$(date +%s.%N) - $start" | bc)
echo "load after: $(uptime)"
printf 'predict again, after the spark runs: %.1f s (%.1f images/s)\n' "$again" "$(echo "$N / $again" | bc -l)"
printf 'predict: %d images in %.1f s (%.1f images/s, whole process)\n' "$N" "$predict" "$(echo "$N / $predict" | bc -l)"
printf 'spark-classify local[2], open cost 4 MB, decoded under the session (before): %d images in %.1f s (%.1f images/s, whole process)\n' "$N" \
  "$before" "$(echo "$N / $before" | bc -l)"
printf 'spark-classify local[2], open cost 4 MB: %d images in %.1f s (%.1f images/s, whole process)\n' "$N" \
  "$spark4mb" "$(echo "$N / $spark4mb" | bc -l)"
printf 'spark-classify local[2], open cost 64 KB: %d images in %.1f s (%.1f images/s, whole process)\n' "$N" \
  "$spark" "$(echo "$N / $spark" | bc -l)"
echo "ratio spark/predict (images/s, whole process): before $(echo "$predict / $before" | bc -l), 4 MB $(echo "$predict / $spark4mb" | bc -l), 64 KB $(echo "$predict / $spark" | bc -l)"
