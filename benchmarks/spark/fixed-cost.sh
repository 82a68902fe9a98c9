#!/usr/bin/env bash
# Where spark-classify's fixed cost goes: the whole process on one image, with one setting changed at a time,
# alternated ROUNDS times. Usage: benchmarks/spark/fixed-cost.sh DIR [ROUNDS] (DIR as benchmarks/spark/inference.sh leaves it:
# model.onnx and one/one.png). Each line: variant, wall and CPU seconds of the whole process, spark-classify's
# timings line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$1"
ROUNDS="${2:-2}"
cd "$ROOT"
JSA="$DIR/spark-classify.jsa"
# The launcher's own defaults (C1 only, its AppCDS archive) are undone here (-XX:TieredStopAtLevel=4 comes after
# them; VGG4J_SPARK_CDS=0), so that each variant adds one setting to the web UI off alone.
C2=-XX:TieredStopAtLevel=4
declare -A OPTS=(
  [ui-on]="$C2 -Dspark.ui.enabled=true"
  [ui-off]="$C2 -Dspark.ui.enabled=false"
  [ui-off+uncompressed]="$C2 -Dspark.ui.enabled=false -Dspark.sql.parquet.compression.codec=uncompressed"
  [ui-off+no-codegen]="$C2 -Dspark.ui.enabled=false -Dspark.sql.codegen.wholeStage=false"
  [ui-off+c1-only]="-Dspark.ui.enabled=false -XX:TieredStopAtLevel=1"
  [ui-off+appcds]="$C2 -Dspark.ui.enabled=false -XX:SharedArchiveFile=$JSA"
  [ui-off+c1+appcds]="-Dspark.ui.enabled=false -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=$JSA"
)
ORDER=(ui-on ui-off ui-off+uncompressed ui-off+no-codegen ui-off+c1-only ui-off+appcds ui-off+c1+appcds)
run() { # OPTS: the whole process's wall seconds and CPU seconds (user + system)
  VGG4J_SPARK_CDS=0 VGG4J_JAVA_OPTS="-Dvgg4j.spark.timings=true $1" /usr/bin/time -f '%e %U %S' -o "$DIR/time.txt" \
    ./vgg4j spark-classify --master 'local[2]' --onnx "$DIR/model.onnx" --input "$DIR/one" \
    --output "$DIR/fixed-$(date +%s%N).parquet" >> "$DIR/fixed.log" 2>&1 || { tail -5 "$DIR/fixed.log" >&2; return 1; }
  awk '{printf "%s %.1f\n", $1, $2 + $3}' "$DIR/time.txt"
}
: > "$DIR/fixed.log"
# The AppCDS archive of the classes one run loads (JDK 17: written at exit, then mapped by later runs).
[ -f "$JSA" ] || run "$C2 -Dspark.ui.enabled=false -XX:ArchiveClassesAtExit=$JSA -Xlog:cds*=off" > /dev/null
echo "load before: $(uptime)"
for r in $(seq "$ROUNDS"); do
  for v in "${ORDER[@]}"; do
    read -r s c < <(run "${OPTS[$v]}")
    printf 'round %d %-22s %5.1f s (CPU %5.1f s)  %s\n' "$r" "$v" "$s" "$c" "$(grep '^timings:' "$DIR/fixed.log" | tail -1)"
  done
done
echo "load after: $(uptime)"
