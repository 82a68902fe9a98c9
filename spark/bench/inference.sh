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
# Twice: with Spark's default open cost per file (4 MB: about 32 small files per task), then with 64 KB (files
# packed by size: here one task per core).
start=$(date +%s.%N)
./vgg4j spark-classify --master 'local[2]' \
  --onnx "$DIR/model.onnx" --input "$DIR/images" --output "$DIR/out-4mb.parquet" | tee "$DIR/spark-4mb.txt"
spark4mb=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
VGG4J_JAVA_OPTS=-Dspark.sql.files.openCostInBytes=65536 ./vgg4j spark-classify --master 'local[2]' \
  --onnx "$DIR/model.onnx" --input "$DIR/images" --output "$DIR/out.parquet" | tee "$DIR/spark.txt"
spark=$(echo "$(date +%s.%N) - $start" | bc)
echo "load after: $(uptime)"
printf 'predict: %d images in %.1f s (%.1f images/s, whole process)\n' "$N" "$predict" "$(echo "$N / $predict" | bc -l)"
printf 'spark-classify local[2], open cost 4 MB: %d images in %.1f s (%.1f images/s, whole process)\n' "$N" \
  "$spark4mb" "$(echo "$N / $spark4mb" | bc -l)"
printf 'spark-classify local[2], open cost 64 KB: %d images in %.1f s (%.1f images/s, whole process)\n' "$N" \
  "$spark" "$(echo "$N / $spark" | bc -l)"
echo "ratio spark/predict (images/s, whole process): 4 MB $(echo "$predict / $spark4mb" | bc -l), 64 KB $(echo "$predict / $spark" | bc -l)"
