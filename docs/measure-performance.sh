#!/usr/bin/env bash
# Reproduces the measurements of docs/PERFORMANCE.md: speed (bench-speed), dry-run rates, and
# peak memory for several sizes and block sizes. Run from the repository root after
#   cargo build --release --bin telcosynth
# It writes temporary datasets under ${TMPDIR:-/tmp}/telcosynth-perf and removes them.
# On a shared machine, run it when nothing else is busy: the numbers are wall-clock times.
set -euo pipefail
B=${TELCOSYNTH:-target/release/telcosynth}
WORK=${TMPDIR:-/tmp}/telcosynth-perf
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

echo "# machine"
grep -m1 "model name" /proc/cpuinfo || true
nproc
free -g | head -2
uptime

echo "# speed: cdr writer ceiling vs end to end, 1 and all threads; rates for --dry-run"
"$B" bench-speed --rates

echo "# speed over a quarter: the quickstart's residents from 1 January to 31 March 2025"
sed -e 's/^name = "quickstart"/name = "klang-valley-quarter"/' \
  -e 's/^start = 2025-01-06/start = 2025-01-01/' -e 's/^end = 2025-01-12/end = 2025-03-31/' \
  scenarios/quickstart.toml >"$WORK/klang-valley-quarter.toml"
"$B" bench-speed "$WORK/klang-valley-quarter.toml"

# A Klang Valley scenario like the quickstart with PERSONS persons, DAYS days (from 2025-01-06)
# and blocks of BLOCK persons.
scenario() { # name persons days block
  cat >"$WORK/$1.toml" <<T
name = "$1"
seed = 20250106
[period]
start = 2025-01-06
end = 2025-01-$(printf %02d $((5 + $3)))
[region]
states = ["Selangor", "W.P. Kuala Lumpur", "W.P. Putrajaya"]
[population]
persons = $2
[outputs]
persons_per_block = $4
T
}

run() { # label scenario threads
  rm -rf "$WORK/out"
  echo "== $1, $3 thread(s), load $(cut -d' ' -f1 /proc/loadavg)"
  "$B" generate "$2" --out "$WORK/out" --threads "$3" --stats | grep -E "^Generated|^total|^stats"
}

echo "# memory: peak RSS by size, threads and block size"
run quickstart quickstart 1
run quickstart quickstart 2
for block in 5000 20000 50000; do
  scenario "b$block" 100000 1 "$block"
  run "100k persons x 1 day, blocks of $block" "$WORK/b$block.toml" 1
  run "100k persons x 1 day, blocks of $block" "$WORK/b$block.toml" 2
done
scenario big 200000 7 5000
run "200k persons x 7 days, blocks of 5000" "$WORK/big.toml" 2

echo "# dry-run estimate against a real run of another scenario"
"$B" generate chinese-new-year-2025 --dry-run
run chinese-new-year-2025 chinese-new-year-2025 2
