#!/bin/sh
# How much sampling people onto the full network distorts privacy and utility figures:
#   benchmarks/density/measure.sh [TELCOSYNTH] [WORK]
# generates langkawi-full-density at scale 0.01, 0.1 and 1.0 (residents and inbound visitors
# alike; same seed, same network) and
# benches four releases on each with the full risk assessment: identity (cells and seconds),
# the study baseline cell-hour-pseudonyms (one keyed pseudonym per subscriber, cells and
# hours: de Montjoye et al.'s traces), rotating-pseudonyms and k-suppressed-aggregates. Writes
# results/<scale>.json (each run's report.json reduced to what DENSITY.md quotes),
# results/summary.csv, results/summary.md and density.svg beside this script (see
# summarise.py). TELCOSYNTH defaults to the release build (`cargo build --release
# --workspace`); WORK (default: a temporary folder) keeps the datasets and runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/target/release/telcosynth}
# Pipelines run in their own folders: name the executable by an absolute path.
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=${2:-$(mktemp -d)}
mkdir -p "$work" "$here/results"
scenario="$root/scenarios/langkawi-full-density.toml"
for scale in 0.01 0.1 1.0; do
  name="langkawi-scale-$(echo "$scale" | tr . -)"
  # People and inbound visitors sampled alike, as a sampled benchmark scenario does.
  sed -e "s/^scale = 1.0$/scale = $scale/" -e "s/^inbound_scale = 1.0$/inbound_scale = $scale/" \
    -e "s/^name = .*/name = \"$name\"/" "$scenario" > "$work/$name.toml"
  for key in scale inbound_scale; do
    grep -q "^$key = $scale\$" "$work/$name.toml" || { echo "$key line not found" >&2; exit 1; }
  done
  rm -rf "$work/$name" "$work/$name-bench"
  start=$(date +%s)
  "$bin" generate "$work/$name.toml" --out "$work/$name"
  "$bin" bench "$work/$name" --out "$work/$name-bench" \
    --pipeline "identity='$bin' baseline identity" \
    --pipeline "cell-hour='$bin' baseline cell-hour-pseudonyms" \
    --pipeline "rotating-pseudonyms='$bin' baseline rotating-pseudonyms" \
    --pipeline "k-suppressed-aggregates='$bin' baseline k-suppressed-aggregates"
  end=$(date +%s)
  python3 "$here/summarise.py" reduce "$work/$name-bench/report.json" "$scale" $((end - start)) \
    > "$here/results/$scale.json"
done
python3 "$here/summarise.py" summarise "$here/results" "$here"
