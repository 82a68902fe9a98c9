#!/usr/bin/env bash
# Training overhead of one data-parallel Spark step: the median time of one synchronous step of 2 workers x 32 images
# in local[2,4] against one local step of 64 images on the same backend (d2l VGG-11, ratio 4), alternated in rounds.
# Usage: benchmarks/spark/step-overhead.sh [BACKEND] [SIZE...]   (default: pytorch 32 224). A benchmark, not a test:
# it measures and prints, it judges nothing (spark/README.md holds the numbers).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benchmarks/spark"
cd "$ROOT"
./vgg4j spark-classify --help >/dev/null   # builds the Spark application if the sources changed
SAPP="$ROOT/spark/target"
# The module options spark-submit adds on Java 17, as the launcher passes them.
OPTS="$(sed -n 's/^  SPARK_JAVA_OPTS="\(.*\)"$/\1/p' "$ROOT/vgg4j")"
# shellcheck disable=SC2086
exec java $OPTS -Dlog4j2.configurationFile="$ROOT/spark/src/main/resources/log4j2-vgg4j.properties" \
  -cp "$SAPP/vgg4j-spark.jar:$SAPP/lib/*:$SAPP/spark-lib/*" "$HERE/SparkStepOverhead.java" "${@:-pytorch}"
