#!/usr/bin/env bash
# Runs a command and samples the resident memory of the Java process it starts every INTERVAL seconds (default 2),
# with the Java heap's committed and used sizes from jstat, into the CSV named by $1:
#   benchmarks/scripts/rss-of.sh OUT.csv ./vgg4j train --image-size 32 --epochs 4
# Columns: seconds, VmRSS, RssAnon, RssFile (MiB), then jstat -gc's young (EC/EU) and old (OC/OU) committed/used (MiB).
set -euo pipefail
out="$1"; shift
interval="${INTERVAL:-2}"
"$@" > "$out.log" 2>&1 &
launcher=$!
echo "seconds,rss_mib,anon_mib,file_mib,young_committed_mib,young_used_mib,old_committed_mib,old_used_mib" > "$out"
start=$(date +%s.%N)
pid=""
while kill -0 "$launcher" 2>/dev/null; do
  # The launcher execs java, so the Java process has the launcher's pid once the build check is done.
  if [ -z "$pid" ] && [ "$(readlink "/proc/$launcher/exe" 2>/dev/null)" != "" ] \
      && [[ "$(readlink "/proc/$launcher/exe")" == */java ]]; then
    pid=$launcher
  fi
  if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
    read -r rss anon file < <(awk '/^VmRSS:/{r=$2}/^RssAnon:/{a=$2}/^RssFile:/{f=$2}END{print r/1024, a/1024, f/1024}' \
        "/proc/$pid/status")
    gc=$(jstat -gc "$pid" 2>/dev/null | awk 'NR==2{printf "%.1f,%.1f,%.1f,%.1f", ($1+$2+$5)/1024, ($3+$4+$6)/1024, $7/1024, $8/1024}' || true)
    now=$(date +%s.%N)
    printf '%.1f,%s,%s,%s,%s\n' "$(echo "$now - $start" | bc)" "$rss" "$anon" "$file" "${gc:-,,,}" >> "$out"
  fi
  sleep "$interval"
done
wait "$launcher"
