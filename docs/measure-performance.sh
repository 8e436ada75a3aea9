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
end = $(date -d "2025-01-06 + $(($3 - 1)) days" +%F)
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

echo "# speed at full density (visitor blocks, scaling over many blocks)"
"$B" bench-speed langkawi-full-density

# The dry-run CPU model (src/run/estimate.rs) is fitted by least squares on relative errors to
# the first seven runs below (CPU = a x persons + b x person-days + c x visitor-days + d x
# block-days, block-days counting visitors' blocks too); the others check it. Each line: the
# dry run's size and 1-thread estimate, then the real run's CPU time (user + system).
estimate() { # label scenario threads
  echo "== $1 (dry run on 1 thread, real run on $3)"
  "$B" generate "$2" --dry-run --threads 1 | grep -E "^size|^inbound|^time"
  run "$1" "$2" "$3"
}
echo "# dry-run CPU model: fit runs, then checks"
scenario p100k1d 100000 1 5000
scenario p5k28d 5000 28 5000
for s in quickstart "$WORK/p100k1d.toml" "$WORK/p5k28d.toml" langkawi-full-density \
  kapit-connectivity chinese-new-year-2025 inbound-tourism-q1-2025 \
  malaysia-q1-2025 hari-raya-2025 network-outage johor-singapore-border klang-valley-week; do
  estimate "$(basename "$s" .toml)" "$s" 1
done
# Two threads: the CPU time is the same, the wall time half.
estimate melaka-full-density melaka-full-density 2
