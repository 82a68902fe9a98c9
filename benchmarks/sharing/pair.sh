#!/usr/bin/env bash
# Times one training alone, or two started together on the same machine (README.md, "Sharing a machine").
# usage: benchmarks/sharing/pair.sh TAG alone|pair BACKEND_A [BACKEND_B]
# Each run: ./vgg4j train at 32x32 on $N images (default 3200) for $E epochs (default 4), 500 test images; the
# per-epoch lines are stamped with seconds since the script started. Run dirs go under $OUT (default /tmp/vgg4j-sharing).
# Measure under the shared lock: flock /work/coord/measure.lock nice -n -10 benchmarks/sharing/pair.sh ...
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TAG=$1; MODE=$2; BA=$3; BB=${4:-}
N=${N:-3200}; E=${E:-4}; OUT=${OUT:-/tmp/vgg4j-sharing}
mkdir -p "$OUT"
T0=$(date +%s.%N)
run() { # name backend
  ./vgg4j train --backend "$2" --image-size 32 --train-limit "$N" --test-limit 500 --epochs "$E" --progress lines \
      --output "$(mktemp -d "$OUT/$TAG-$1-XXXX")" 2>&1 \
    | while IFS= read -r l; do case "$l" in epoch*|*rror*|*xception*)
        printf '%7.1f %s %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{print a-b}')" "$1" "$l";; esac; done
}
echo "== $TAG $MODE $BA $BB N=$N E=$E load: $(cut -d' ' -f1-3 /proc/loadavg) OMP_WAIT_POLICY=${OMP_WAIT_POLICY-unset}" \
     "GOMP_SPINCOUNT=${GOMP_SPINCOUNT-unset} VGG4J_THREAD_DEFAULTS=${VGG4J_THREAD_DEFAULTS-unset}"
if [ "$MODE" = alone ]; then run A "$BA"; else run A "$BA" & run B "$BB" & wait; fi
echo "== end load: $(cut -d' ' -f1-3 /proc/loadavg)"
