#!/bin/sh
# How much sampling people onto the full network distorts privacy and utility figures:
#   benchmarks/density/measure.sh [TELCOSYNTH] [WORK]
# generates langkawi-full-density at scale 0.01 and 0.1 (same seed, same network), benches the
# identity, rotating-pseudonyms and k-suppressed-aggregates baselines on each (full risk
# assessment); at scale 1.0 the figures are those of the published reference run of the
# scenario itself (reference-outputs/langkawi-full-density/baselines/report.json, all seven
# baselines; written by reference-outputs/bench-baselines.sh), which this script runs too when
# it is missing. Writes results/<scale>.json (each run's report.json, reduced to what
# DENSITY.md quotes), results/summary.csv, results/summary.md and density.svg beside this
# script (see summarise.py). TELCOSYNTH defaults to the build bench-baselines.sh uses (the
# debug build; figures do not depend on the build); WORK (default: a temporary folder) keeps
# the datasets and runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/target/debug/telcosynth}
# Pipelines run in their own folders: name the executable by an absolute path.
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=${2:-$(mktemp -d)}
mkdir -p "$work" "$here/results"
scenario="$root/scenarios/langkawi-full-density.toml"
published="$root/reference-outputs/langkawi-full-density/baselines/report.json"
if [ ! -f "$published" ]; then
  start=$(date +%s)
  "$root/reference-outputs/bench-baselines.sh" langkawi-full-density "$bin"
  echo "published reference baselines in $(($(date +%s) - start)) s"
fi
python3 "$here/summarise.py" reduce "$published" 1.0 0 > "$here/results/1.0.json"
for scale in 0.01 0.1; do
  name="langkawi-scale-$(echo "$scale" | tr . -)"
  sed -e "s/^scale = 1.0$/scale = $scale/" -e "s/^name = .*/name = \"$name\"/" "$scenario" \
    > "$work/$name.toml"
  grep -q "^scale = $scale\$" "$work/$name.toml" || { echo "scale line not found" >&2; exit 1; }
  rm -rf "$work/$name" "$work/$name-bench"
  start=$(date +%s)
  "$bin" generate "$work/$name.toml" --out "$work/$name"
  "$bin" bench "$work/$name" --out "$work/$name-bench" \
    --pipeline "identity='$bin' baseline identity" \
    --pipeline "rotating-pseudonyms='$bin' baseline rotating-pseudonyms" \
    --pipeline "k-suppressed-aggregates='$bin' baseline k-suppressed-aggregates"
  end=$(date +%s)
  python3 "$here/summarise.py" reduce "$work/$name-bench/report.json" "$scale" $((end - start)) \
    > "$here/results/$scale.json"
done
python3 "$here/summarise.py" summarise "$here/results" "$here"
