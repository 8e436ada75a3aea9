#!/bin/sh
# Publishes the baseline scores and truth indicator tables of a reference scenario:
#   reference-outputs/bench-baselines.sh SCENARIO [TELCOSYNTH]
# runs `telcosynth bench --scenario SCENARIO --baselines` in a temporary folder (the dataset,
# the pipelines' inputs and releases stay there) and copies report.json, report.md,
# report.html and truth-indicators/ (each CSV gzipped: a quarter of hourly counts for the whole
# country is tens of MB of text) into reference-outputs/SCENARIO/baselines/.
# TELCOSYNTH defaults to the debug build (`cargo build --workspace`, which builds telcosynth-bench
# beside it), as the published reports were made.
set -eu
scenario=$1
bin=${2:-target/debug/telcosynth}
here=$(dirname "$0")
dest="$here/$scenario/baselines"
[ -f "$here/$scenario/manifest.json" ] || { echo "no reference folder $here/$scenario" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" bench --scenario "$scenario" --baselines --out "$work/run"
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/run/report.json" "$work/run/report.md" "$work/run/report.html" "$dest/"
cp -r "$work/run/truth-indicators" "$dest/"
gzip -n -9 "$dest"/truth-indicators/*.csv
echo "wrote $dest"
