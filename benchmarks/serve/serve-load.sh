#!/usr/bin/env bash
# Load benchmark of `vgg4j serve` (a benchmark, not a test; ShortLoadTest in the serve module is the bounded check).
# CLIENTS connections (wrk) for DURATION seconds on loopback against POST /v2/models/m/infer, one run per entry of
# RUNS (FORMAT:IMAGES_PER_REQUEST:MAX_BATCH; FORMAT is json, the protocol's JSON numbers, or binary, its binary tensor
# data extension with binary outputs too); the server's RSS is sampled every second and its CPU time read from /proc
# before and after. Then in-process Session.predict throughput of the same model at batch 1 and 32 (vgg4j bench).
# Usage: benchmarks/serve/serve-load.sh [OUTPUT_DIR]
# Env: DURATION=60 WARMUP=20 CLIENTS=32 PORT=18481 BACKEND=onnx
#      RUNS="json:1:32 json:1:1 binary:1:32 binary:1:1 binary:8:32"
#      SERVER_JAVA_OPTS (default: a fixed 256 MiB heap, as a server is usually run; set it empty to see the JVM's
#      default heap growth in the RSS).
#      SERVE_ARGS: more options for `vgg4j serve` (for A/B runs); INPROCESS=0 skips the in-process comparison;
#      SUSTAINED: seconds of each sustained in-process run (default DURATION).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benchmarks/serve"
OUT="${1:-$ROOT/benchmarks/serve/target}"
DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-20}"
RUNS="${RUNS:-json:1:32 json:1:1 binary:1:32 binary:1:1 binary:8:32}"
CLIENTS="${CLIENTS:-32}"
PORT="${PORT:-18481}"
BACKEND="${BACKEND:-onnx}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS--Xms256m -Xmx256m -XX:+AlwaysPreTouch}"
SERVE_ARGS="${SERVE_ARGS:-}"
INPROCESS="${INPROCESS:-1}"
mkdir -p "$OUT"
cd "$ROOT"
command -v wrk >/dev/null || { echo "serve-load: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

echo "load before: $(uptime)" | tee "$OUT/machine.txt"
nproc >> "$OUT/machine.txt"
# The model: the d2l narrow VGG-11 at 32x32 (weights do not change its speed), exported to ONNX.
if [ ! -f "$OUT/m.onnx" ]; then
  ./vgg4j train --image-size 32 --train-limit 640 --test-limit 100 --epochs 1 --progress lines \
    --output "$OUT/run" > "$OUT/train.log"
  ./vgg4j export --checkpoint "$OUT/run" --onnx "$OUT/m.onnx" > /dev/null
fi
# Request bodies: IMAGES seeded random 32x32 images as JSON numbers (body-json-IMAGES) or as a JSON header followed by
# raw little-endian FP32 (body-binary-IMAGES, its header's length in body-binary-IMAGES.len).
python3 - "$OUT" $RUNS <<'PY'
import json, random, struct, sys
out = sys.argv[1]
for run in sys.argv[2:]:
    fmt, n = run.split(":")[0], int(run.split(":")[1])
    random.seed(0)
    values = [round(random.random(), 6) for _ in range(1024 * n)]
    if fmt == "json":
        body = json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [n, 1, 32, 32], "data": values}]})
        open(f"{out}/body-json-{n}", "w").write(body)
    else:
        head = json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [n, 1, 32, 32],
                                       "parameters": {"binary_data_size": 4096 * n}}],
                           "parameters": {"binary_data_output": True}}).encode()
        open(f"{out}/body-binary-{n}", "wb").write(head + struct.pack(f"<{1024 * n}f", *values))
        open(f"{out}/body-binary-{n}.len", "w").write(str(len(head)))
PY

# CPU ticks of each thread of process $1: "tid name ticks" (ORT's own threads are named java).
threads() {
  for t in /proc/"$1"/task/*; do
    echo "${t##*/} $(tr ' ' _ < "$t/comm" | sed 's/[-#]*[0-9]*$//') $(awk '{print $14 + $15}' "$t/stat")"
  done 2> /dev/null
}

for run in $RUNS; do
  IFS=: read -r format images batch <<< "$run"
  name="$format-$images-$batch"
  export BODY="$OUT/body-$format-$images"
  lua="$HERE/post.lua"
  unset HEADER_LENGTH
  if [ "$format" = binary ]; then
    HEADER_LENGTH="$(cat "$BODY.len")"
    export HEADER_LENGTH
  fi
  VGG4J_JAVA_OPTS="$SERVER_JAVA_OPTS" ./vgg4j serve --model "m=$OUT/m.onnx" --backend "$BACKEND" --port "$PORT" --max-batch "$batch" \
    --max-delay-ms 5 $SERVE_ARGS > "$OUT/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null 2>&1 && break
    sleep 0.5
  done
  # Warm-up (JIT: on a loaded machine the C2 compiler is still busy after 5 s; ONNX Runtime's first calls), then the
  # measured run with RSS sampled each second.
  wrk -t1 -c"$CLIENTS" -d"${WARMUP}s" -s "$lua" "http://127.0.0.1:$PORT/v2/models/m/infer" > /dev/null
  : > "$OUT/rss-$name.txt"
  (while kill -0 "$pid" 2> /dev/null; do
     awk '/VmRSS/ {print $2}' "/proc/$pid/status" >> "$OUT/rss-$name.txt" 2> /dev/null || true
     sleep 1
   done) &
  sampler=$!
  cpu_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  threads "$pid" > "$OUT/threads-before-$name.txt"
  wrk -t1 -c"$CLIENTS" -d"${DURATION}s" --timeout 30s -s "$lua" \
    "http://127.0.0.1:$PORT/v2/models/m/infer" > "$OUT/wrk-$name.txt"
  cpu_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  threads "$pid" > "$OUT/threads-after-$name.txt"
  curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/metrics-$name.txt"
  kill -TERM "$pid"
  wait "$pid" || true
  kill "$sampler" 2> /dev/null || true
  wait "$sampler" 2> /dev/null || true
  echo "$format, $images image(s) per request, max-batch $batch: $(grep RESULT "$OUT/wrk-$name.txt")"
  awk -v b="$batch" 'NR == 1 {first = $1} {if ($1 > max) max = $1; if (min == "" || $1 < min) min = $1; n++; last = $1}
    END {printf "  RSS over the run (KiB): first %d, min %d, max %d, last %d (max/min %.3f, %d samples)\n",
         first, min, max, last, max / min, n}' "$OUT/rss-$name.txt"
  grep -E '^vgg4j_batch_size_(sum|count)' "$OUT/metrics-$name.txt" | sed 's/^/  /'
  requests=$(sed -n 's/.*RESULT requests=\([0-9]*\).*/\1/p' "$OUT/wrk-$name.txt")
  awk -v t="$(( cpu_after - cpu_before ))" -v hz="$(getconf CLK_TCK)" -v n="$requests" -v d="$DURATION" -v i="$images" \
    'BEGIN {printf "  %.1f images/s; server CPU: %.1f s in %d s (%.2f cores), %.3f ms per request, %.3f ms per image\n",
            n * i / d, t / hz, d, t / hz / d, 1000 * t / hz / n, 1000 * t / hz / n / i}'
  # Where the server's CPU went, by thread name (HTTP: vgg4j-http; the engine: the batcher and ORT's threads, java).
  awk -v n="$requests" -v hz="$(getconf CLK_TCK)" 'FNR == NR {before[$1] = $3; next}
    {cpu[$2] += $3 - before[$1]} END {for (k in cpu) if (cpu[k] > 0) printf "    %-20s %.3f ms per request\n", k,
    1000 * cpu[k] / hz / n}' "$OUT/threads-before-$name.txt" "$OUT/threads-after-$name.txt" | sort -k2 -nr | head -6
done

if [ "$INPROCESS" = 0 ]; then
  echo "load after: $(uptime)" | tee -a "$OUT/machine.txt"
  exit 0
fi
# In-process Session.predict on the same network and engine, at the same batch sizes: 1 and 32 (--max-batch), and
# 8 and 16, the batch sizes the server actually forms with one-image requests under this closed-loop load (its
# vgg4j_batch_size histogram; the mean is printed above for each run).
./vgg4j bench --sizes 32:1,32:8,32:16,32:32 --modes infer --backends "$BACKEND" --no-python --gemm 0 --iterations 200 \
  --warmup 20 > "$OUT/bench.txt" 2>&1
grep -E 'onnx|pytorch|tensorflow' "$OUT/bench.txt" | sed 's/^/  /'
# The bench's images/s come from its median step, which a shared machine's load spikes do not reach, while the
# server's are total images over the whole run; so also measure in-process predict as the server is measured.
# Twice per batch size: with ONNX Runtime's defaults (as the bench: spinning worker threads, one per processor), and
# with the server's settings (not spinning, --engine-threads' default of half the processors), SUSTAINED seconds each.
if [ "$BACKEND" = onnx ]; then
  engine=$(( $(nproc) / 2 > 1 ? $(nproc) / 2 : 1 ))
  for b in 16 32; do
    for props in "" "-Dvgg4j.onnx.spinning=false -Dvgg4j.onnx.threads=$engine"; do
      # shellcheck disable=SC2086
      java $props -cp "$ROOT/cli/target/vgg4j-cli.jar:$ROOT/cli/target/lib/*" "$HERE/SustainedPredict.java" \
        "$OUT/m.onnx" "$b" "${SUSTAINED:-$DURATION}" 2> /dev/null | grep sustained \
        | sed "s/^/  ${props:+[as the server: $props] }/"
    done
  done
fi
# Each run against in-process throughput at batch 32 and at the bench batch size nearest the run's mean batch.
for run in $RUNS; do
  IFS=: read -r format images batch <<< "$run"
  name="$format-$images-$batch"
  requests=$(sed -n 's/.*RESULT requests=\([0-9]*\).*/\1/p' "$OUT/wrk-$name.txt")
  awk -v n="$requests" -v d="$DURATION" -v i="$images" -v name="$name" '
    FNR == NR && /^vgg4j_batch_size_sum/ {sum = $2} FNR == NR && /^vgg4j_batch_size_count/ {count = $2}
    FNR != NR && /^\| *[a-z]+ *\| infer \|/ {split($0, c, "|"); rate[c[5] + 0] = c[8] + 0}
    END {served = n * i / d; mean = sum / count; near = 1
         for (b in rate) if ((mean - b) ^ 2 < (mean - near) ^ 2) near = b
         printf "  %s: %.0f images/s, mean batch %.1f: %.0f%% of in-process batch 32 (%d), %.0f%% of batch %d (%d)\n",
                name, served, mean, 100 * served / rate[32], rate[32], 100 * served / rate[near], near, rate[near]}' \
    "$OUT/metrics-$name.txt" "$OUT/bench.txt"
done
echo "load after: $(uptime)" | tee -a "$OUT/machine.txt"
