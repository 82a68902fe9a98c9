#!/usr/bin/env bash
# The issue's case: the reference run (./vgg4j train's defaults, 224x224) on BACKEND, and 25 s later a small pytorch
# run (1,437 images at 32x32, 3 epochs) beside it; the reference run is stopped when the small one ends.
# usage: benchmarks/sharing/beside-reference.sh TAG BACKEND   (run dirs under $OUT, default /tmp/vgg4j-sharing)
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TAG=$1; BB=$2; OUT=${OUT:-/tmp/vgg4j-sharing}
mkdir -p "$OUT"
echo "== $TAG beside the $BB reference run, load: $(cut -d' ' -f1-3 /proc/loadavg)" \
     "GOMP_SPINCOUNT=${GOMP_SPINCOUNT-unset} VGG4J_THREAD_DEFAULTS=${VGG4J_THREAD_DEFAULTS-unset}"
setsid ./vgg4j train --backend "$BB" --progress lines --output "$(mktemp -d "$OUT/$TAG-ref-XXXX")" >/dev/null 2>&1 &
REF=$!
sleep 25
./vgg4j train --backend pytorch --image-size 32 --train-limit 1437 --test-limit 500 --epochs 3 --progress lines \
    --output "$(mktemp -d "$OUT/$TAG-small-XXXX")" 2>&1 | grep "^epoch [0-9]*,"
kill -- -"$REF" 2>/dev/null; wait "$REF" 2>/dev/null
echo "== end load: $(cut -d' ' -f1-3 /proc/loadavg)"
