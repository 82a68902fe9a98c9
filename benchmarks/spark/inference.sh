#!/usr/bin/env bash
# Inference throughput of the whole process: `vgg4j predict` (one process, ONNX Runtime) against
# `vgg4j spark-classify --master local[2]` on the same PNG files and the same ONNX model, alternated ROUNDS times,
# plus both on one image (their fixed cost). Usage: benchmarks/spark/inference.sh [IMAGES] [SIZE] [DIR] [ROUNDS] [CHUNK]
# predict puts every file it is given into one batch; it is given CHUNK files per process (default: all), so keep
# CHUNK x SIZE^2 modest (500 at 224: the first layer's output alone is CHUNK x 16 x SIZE^2 floats).
# DIR is reused when it already holds model.onnx and IMAGES files in images/. With VARIANT="JAVA OPTIONS" set, every
# round also runs spark-classify with those options, and with VARIANT_CDS=0 without the launcher's AppCDS archive
# (VARIANT="-XX:TieredStopAtLevel=4 -Dspark.ui.enabled=true" VARIANT_CDS=0: spark-classify before issue 12's last fixes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-5000}"
SIZE="${2:-224}"
DIR="${3:-$(mktemp -d)}"
ROUNDS="${4:-2}"
CHUNK="${5:-$N}"
cd "$ROOT"
if [ ! -f "$DIR/model.onnx" ] || [ "$(find "$DIR/images" -name '*.png' 2>/dev/null | wc -l)" -ne "$N" ]; then
  mvn -B -q -o -pl spark -am test -Dtest=InferenceFixtures -Dsurefire.failIfNoSpecifiedTests=false \
    -Dvgg4j.bench.dir="$DIR" -Dvgg4j.bench.images="$N" -Dvgg4j.bench.size="$SIZE"
fi
mkdir -p "$DIR/one"
[ -e "$DIR/one/one.png" ] || ln "$(find "$DIR/images" -name '*.png' | sort | head -1)" "$DIR/one/one.png"
mvn -B -q -o -DskipTests -pl cli -am package && touch cli/target/vgg4j-cli.jar
./vgg4j spark-classify --help >/dev/null   # builds the Spark application if needed
# Each run prints "WALL CPU": the whole process's wall seconds and CPU seconds (user + system, its children included).
timed() { /usr/bin/time -f '%e %U %S' -o "$DIR/time.txt" "$@"; }
took() { awk '{printf "%s %.1f\n", $1, $2 + $3}' "$DIR/time.txt"; }
predict_run() { # FILES...: CHUNK files per process, in sequence
  printf '%s\0' "$@" > "$DIR/files.txt"
  timed xargs -0 -n "$CHUNK" -a "$DIR/files.txt" ./vgg4j predict --onnx "$DIR/model.onnx" --top-k 1 > "$DIR/predict.txt"
  took
}
spark_run() { # INPUT [JAVA OPTIONS [VGG4J_SPARK_CDS]]; spark-classify's own lines go to the log
  VGG4J_SPARK_CDS="${3:-1}" VGG4J_JAVA_OPTS="-Dvgg4j.spark.timings=true ${2:-}" timed ./vgg4j spark-classify --master 'local[2]' \
    --onnx "$DIR/model.onnx" --input "$1" --output "$DIR/out-$(date +%s%N).parquet" >> "$DIR/spark.log" 2>&1 \
    || { tail -5 "$DIR/spark.log" >&2; return 1; }
  took
}
# Not timed: the launcher's first run after a build writes its AppCDS archive.
spark_run "$DIR/one" > /dev/null
mapfile -t FILES < <(find "$DIR/images" -name '*.png' | sort)
echo "N=$N SIZE=$SIZE ROUNDS=$ROUNDS predict chunk=$CHUNK; load before: $(uptime)"
: > "$DIR/spark.log"
for r in $(seq "$ROUNDS"); do
  read -r p pc < <(predict_run "${FILES[@]}")
  read -r s sc < <(spark_run "$DIR/images")
  job=$(grep -o 'images in [0-9.]* s' "$DIR/spark.log" | tail -1 | awk '{print $3}')
  timings=$(grep '^timings:' "$DIR/spark.log" | tail -1)
  read -r p1 p1c < <(predict_run "$DIR/one/one.png")
  read -r s1 s1c < <(spark_run "$DIR/one")
  printf 'round %d: predict %.1f s (CPU %.1f s; %.1f images/s), spark-classify %.1f s (CPU %.1f s; job %s s;' \
    "$r" "$p" "$pc" "$(echo "$N / $p" | bc -l)" "$s" "$sc" "$job"
  printf ' %.1f images/s), ratio %.2f (CPU: %.2f)\n' "$(echo "$N / $s" | bc -l)" "$(echo "$p / $s" | bc -l)" \
    "$(echo "$pc / $sc" | bc -l)"
  printf '  one image: predict %.1f s (CPU %.1f s), spark-classify %.1f s (CPU %.1f s)\n  N images: %s\n' \
    "$p1" "$p1c" "$s1" "$s1c" "$timings"
  printf '  one image: %s\n' "$(grep '^timings:' "$DIR/spark.log" | tail -1)"
  if [ -n "${VARIANT:-}" ]; then
    read -r v vc < <(spark_run "$DIR/images" "$VARIANT" "${VARIANT_CDS:-1}")
    vt=$(grep '^timings:' "$DIR/spark.log" | tail -1)
    read -r v1 v1c < <(spark_run "$DIR/one" "$VARIANT" "${VARIANT_CDS:-1}")
    printf '  with %s: %.1f s (CPU %.1f s; %.1f images/s), ratio %.2f (CPU: %.2f); one image %.1f s (CPU %.1f s)\n' \
      "$VARIANT" "$v" "$vc" "$(echo "$N / $v" | bc -l)" "$(echo "$p / $v" | bc -l)" "$(echo "$pc / $vc" | bc -l)" "$v1" "$v1c"
    printf '    N images: %s\n    one image: %s\n' "$vt" "$(grep '^timings:' "$DIR/spark.log" | tail -1)"
  fi
done
echo "load after: $(uptime)"
