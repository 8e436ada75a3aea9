#!/bin/sh
# Containment, repeated: the seven baselines and three hostile pipelines benched together five
# times on the small fixture; no pipeline may be failed for opening the dataset unless it did.
#   benchmarks/containment/hostile.sh [TELCOSYNTH] [WORK]
# The hostile pipelines: `reads-truth` looks for the dataset at its absolute path (under
# bubblewrap it finds nothing), `floods` writes 50 MB to stderr, `links` leaves a symbolic link
# to / in OUT. Prints, per run, each pipeline's status and reason, and exits 1 when a pipeline
# other than an unsandboxed `reads-truth` was failed for opening the dataset. TELCOSYNTH
# defaults to the release build.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/target/release/telcosynth}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=${2:-$(mktemp -d)}
mkdir -p "$work/tools"
rm -rf "$work/data"
"$bin" generate "$root/tests/fixtures/small.toml" --out "$work/data" > /dev/null
cat > "$work/tools/reads-truth.sh" <<SCRIPT
#!/bin/sh
cat "$work/data/person_sims/"* > /dev/null 2>&1 && echo "read the truth" >&2
exit 1
SCRIPT
cat > "$work/tools/floods.sh" <<'SCRIPT'
#!/bin/sh
head -c 50000000 /dev/zero | tr '\0' x >&2
exit 0
SCRIPT
cat > "$work/tools/links.sh" <<'SCRIPT'
#!/bin/sh
ln -s / "$TELCOSYNTH_OUTPUT/rootlink"
echo '{"contract_version": 1, "kind": "aggregates", "pseudonym_columns": [], "spatial_level": "district", "time_bin_s": 3600, "suppression": null}' > "$TELCOSYNTH_OUTPUT/manifest.json"
SCRIPT
chmod +x "$work/tools/"*.sh
false_alarms=0
for run in 1 2 3 4 5; do
  rm -rf "$work/run"
  "$bin" bench "$work/data" --out "$work/run" --baselines \
    --pipeline "reads-truth=$work/tools/reads-truth.sh" \
    --pipeline "floods=$work/tools/floods.sh" \
    --pipeline "links=$work/tools/links.sh" > /dev/null 2>&1
  python3 - "$work/run/report.json" "$run" <<'PY' || false_alarms=$((false_alarms + 1))
import json, sys
report = json.load(open(sys.argv[1]))
sandbox = report["sandbox"]["kind"]
bad = 0
print(f"run {sys.argv[2]} (sandbox: {sandbox})")
for p in report["pipelines"]:
    o = p["outcome"]
    reason = o.get("reason", "")
    print(f"  {p['name']:<26} {o['status']:<7} {reason[:90]}")
    blamed = "opened the dataset folder" in reason
    if blamed and not (p["name"] == "reads-truth" and sandbox == "none"):
        bad += 1
print(f"  truth watch: {report['truth_watch'][:120]}")
sys.exit(1 if bad else 0)
PY
  echo "  floods' stderr.log: $(wc -c < "$work/run/work/floods/stderr.log") bytes kept of 50000000"
done
echo "false alarms: $false_alarms of 5 runs"
[ "$false_alarms" -eq 0 ]
