#!/bin/sh
# Measures `telcosynth bench` with the seven baselines and the full risk assessment on a
# bundled scenario at full density (default melaka-full-density, the medium benchmark):
#   benchmarks/scale/bench-scenario.sh [SCENARIO] [TELCOSYNTH] [WORK] [TIMEOUT_S]
# generates the scenario into WORK (default: a temporary folder), then benches it under
# /usr/bin/time with a wall-clock limit (default 3 h). Records in results/SCENARIO/ beside this
# script: generate.txt and bench.txt (the time and peak memory of each command, /usr/bin/time
# -v), stages.txt (each finished stage's wall time, as the run went: what an interrupted run
# got through) and, when the bench finished, stages.md (the report's time and memory per
# stage) and density.md (the report's density section). TELCOSYNTH defaults to the release
# build (`cargo build --release --workspace` builds telcosynth and the harness beside it).
set -eu
scenario=${1:-melaka-full-density}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${2:-$root/target/release/telcosynth}
work=${3:-$(mktemp -d)}
limit=${4:-10800}
out="$here/results/$scenario"
mkdir -p "$out" "$work"
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "telcosynth: $("$bin" --version 2>/dev/null || echo "$bin")"
} > "$out/machine.txt"
if [ ! -f "$work/dataset/manifest.json" ]; then
  rm -rf "$work/dataset"
  /usr/bin/time -v -o "$out/generate.txt" "$bin" generate "$scenario" --out "$work/dataset"
fi
rm -rf "$work/bench"
status=0
/usr/bin/time -v -o "$out/bench.txt" timeout "$limit" "$bin" bench "$work/dataset" --baselines \
  --out "$work/bench" 2> "$out/stages.txt" || status=$?
if [ -f "$work/bench/report.md" ]; then
  sed -n '/^## Time and memory per stage/,$p' "$work/bench/report.md" > "$out/stages.md"
  sed -n '/^## Density of the view/,/^## Leaderboard/p' "$work/bench/report.md" | sed '$d' > "$out/density.md"
fi
echo "bench exit status: $status (124: stopped at the ${limit} s limit)" >> "$out/machine.txt"
