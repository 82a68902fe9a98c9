#!/usr/bin/env bash
# Load benchmark of `vgg4j serve` (a benchmark, not a test; ShortLoadTest in the serve module is the bounded check).
# CLIENTS connections (wrk) for DURATION seconds on loopback against POST /v2/models/m/infer with one 32x32 image per
# request, once with dynamic batching (--max-batch 32) and once without (--max-batch 1); the server's RSS is sampled
# every second. Then in-process Session.predict throughput of the same model at batch 1 and 32 (vgg4j bench).
# Usage: benchmarks/serve/serve-load.sh [OUTPUT_DIR]
# Env: DURATION=60 CLIENTS=32 PORT=18481 BACKEND=onnx, SERVER_JAVA_OPTS (default: a fixed 256 MiB heap, as a server
# is usually run; set it empty to see the JVM's default heap growth in the RSS).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benchmarks/serve"
OUT="${1:-$ROOT/benchmarks/serve/target}"
DURATION="${DURATION:-60}"
CLIENTS="${CLIENTS:-32}"
PORT="${PORT:-18481}"
BACKEND="${BACKEND:-onnx}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS--Xms256m -Xmx256m -XX:+AlwaysPreTouch}"
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
python3 -c 'import json, random; random.seed(0); print(json.dumps({"inputs": [{"name": "input", "datatype": "FP32",
"shape": [1, 1, 32, 32], "data": [round(random.random(), 6) for _ in range(1024)]}]}))' > "$OUT/body.json"

for batch in 32 1; do
  VGG4J_JAVA_OPTS="$SERVER_JAVA_OPTS" ./vgg4j serve --model "m=$OUT/m.onnx" --backend "$BACKEND" --port "$PORT" --max-batch "$batch" \
    --max-delay-ms 5 > "$OUT/serve-$batch.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null 2>&1 && break
    sleep 0.5
  done
  # Warm-up (JIT, ONNX Runtime's first calls), then the measured run with RSS sampled each second.
  BODY="$OUT/body.json" wrk -t1 -c"$CLIENTS" -d5s -s "$HERE/post.lua" "http://127.0.0.1:$PORT/v2/models/m/infer" \
    > /dev/null
  : > "$OUT/rss-$batch.txt"
  (while kill -0 "$pid" 2> /dev/null; do
     awk '/VmRSS/ {print $2}' "/proc/$pid/status" >> "$OUT/rss-$batch.txt" 2> /dev/null || true
     sleep 1
   done) &
  sampler=$!
  cpu_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  BODY="$OUT/body.json" wrk -t1 -c"$CLIENTS" -d"${DURATION}s" --timeout 30s -s "$HERE/post.lua" \
    "http://127.0.0.1:$PORT/v2/models/m/infer" > "$OUT/wrk-$batch.txt"
  cpu_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/metrics-$batch.txt"
  kill -TERM "$pid"
  wait "$pid" || true
  kill "$sampler" 2> /dev/null || true
  wait "$sampler" 2> /dev/null || true
  echo "max-batch $batch: $(grep RESULT "$OUT/wrk-$batch.txt")"
  awk -v b="$batch" 'NR == 1 {first = $1} {if ($1 > max) max = $1; if (min == "" || $1 < min) min = $1; n++; last = $1}
    END {printf "  RSS over the run (KiB): first %d, min %d, max %d, last %d (max/min %.3f, %d samples)\n",
         first, min, max, last, max / min, n}' "$OUT/rss-$batch.txt"
  grep -E '^vgg4j_batch_size_(sum|count)' "$OUT/metrics-$batch.txt" | sed 's/^/  /'
  requests=$(sed -n 's/.*RESULT requests=\([0-9]*\).*/\1/p' "$OUT/wrk-$batch.txt")
  awk -v t="$(( cpu_after - cpu_before ))" -v hz="$(getconf CLK_TCK)" -v n="$requests" -v d="$DURATION" \
    'BEGIN {printf "  server CPU: %.1f s in %d s (%.2f cores), %.3f ms per request\n", t / hz, d, t / hz / d, 1000 * t / hz / n}'
done

# In-process Session.predict on the same network and engine, at the same batch sizes.
./vgg4j bench --sizes 32:1,32:32 --modes infer --backends "$BACKEND" --no-python --gemm 0 --iterations 200 \
  --warmup 20 > "$OUT/bench.txt" 2>&1
grep -E 'onnx|pytorch|tensorflow' "$OUT/bench.txt" | sed 's/^/  /'
echo "load after: $(uptime)" | tee -a "$OUT/machine.txt"
