"""An independent computation of the harness's membership inference on an aggregates release.

  membership.py RUN_FOLDER PIPELINE [--members N] [--seed S]

RUN_FOLDER is a `telcosynth bench` run folder with the pipeline's run on the neighbouring input
(`neighbour-input/`, `neighbour-releases/PIPELINE/`) and `report.json`, whose dataset path
names the truth. Written from the definitions in RISK.md, not from the harness's code: the
removed persons are found from the data (SIMs with records in `input/` and none in
`neighbour-input/`), the members are this script's own sample of the others, the raw presence
counts of the neighbouring input are recomputed with DuckDB (distinct subscribers whose record
[start, end) overlaps the hour at a cell of the district), and the adversary's line, scores and
AUC follow RISK.md. Prints this AUC with its 95 % interval (Hanley & McNeil) beside the
harness's; exits 1 when the intervals do not overlap.
"""
import argparse
import json
import math
import os
import random
import sys
from collections import defaultdict
from datetime import timezone

import duckdb

LOCAL_OFFSET_S = 8 * 3600
HOUR = 3600
Z95 = 1.959963984540054


def parquet(folder):
    return f"'{folder}/**/*.parquet'"


def events(db, folder):
    """(msisdn, district, start_s, end_s) of every record of a view folder."""
    return db.sql(
        f"""WITH cells AS (SELECT cell_key, district_code FROM read_parquet({parquet(folder + '/cells')}))
            SELECT served_msisdn, district_code, epoch(start_time)::BIGINT, epoch(start_time)::BIGINT + 1
            FROM read_parquet({parquet(folder + '/cdr')}) JOIN cells ON first_cell_key = cell_key
            UNION ALL
            SELECT served_msisdn, district_code, epoch(start_time)::BIGINT,
                   GREATEST(epoch(end_time)::BIGINT, epoch(start_time)::BIGINT + 1)
            FROM read_parquet({parquet(folder + '/ip_sessions')}) JOIN cells USING (cell_key)"""
    ).fetchall()


def seconds(t):
    """UTC epoch seconds of a bin bound: a timestamp, or an integer in s, ms or µs."""
    if hasattr(t, "timestamp"):
        if t.tzinfo is None:
            t = t.replace(tzinfo=timezone.utc)
        return int(t.timestamp())
    t = int(t)
    return t if abs(t) < 10**11 else t // 1000 if abs(t) < 10**14 else t // 1_000_000


def auc(members, others):
    wins = 0.0
    for m in members:
        for o in others:
            wins += 1.0 if m > o else 0.5 if m == o else 0.0
    return wins / (len(members) * len(others))


def hanley_mcneil(a, n1, n0):
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0)
    half = Z95 * math.sqrt(max(var, 0.0))
    return (max(0.0, a - half), min(1.0, a + half))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run")
    ap.add_argument("pipeline")
    ap.add_argument("--members", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    run = args.run
    report = json.load(open(os.path.join(run, "report.json")))
    dataset = report["dataset"]["path"]
    operator = json.load(open(os.path.join(run, "input", "schema.json")))["operator"]["name"]
    harness = next(p for p in report["pipelines"] if p["name"] == args.pipeline)
    theirs = harness["outcome"]["risk"]["report"]["membership"]
    db = duckdb.connect()

    full = events(db, os.path.join(run, "input"))
    neighbour = events(db, os.path.join(run, "neighbour-input"))
    # Raw presence counts of the neighbouring input, by (district, hour start in UTC seconds).
    present = defaultdict(set)
    for m, d, start, end in neighbour:
        if m is None or d is None:
            continue
        for h in range(start // HOUR, (end - 1) // HOUR + 1):
            present[(d, h * HOUR)].add(m)
    raw = {k: len(v) for k, v in present.items()}
    release_dir = os.path.join(run, "neighbour-releases", args.pipeline)
    source = (
        f"read_parquet('{release_dir}/aggregates.parquet')"
        if os.path.exists(os.path.join(release_dir, "aggregates.parquet"))
        else f"read_csv_auto('{release_dir}/aggregates.csv')"
    )
    released = {}
    for zone, t0, t1, v in db.sql(
        f"""SELECT zone_id, t_start, t_end, value FROM {source}
            WHERE indicator = 'present_population' AND zone_level = 'district'
              AND breakdown_key IS NULL AND value IS NOT NULL"""
    ).fetchall():
        t0, t1 = seconds(t0), seconds(t1)
        if t1 - t0 == HOUR:
            released[(zone, t0)] = float(v)
    # The adversary's line released ≈ a · raw + b over the published cells.
    xs = [raw.get(k, 0) for k in released]
    ys = list(released.values())
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    a, b = (sxy / sxx, my - sxy / sxx * mx) if sxx > 0 and sxy > 0 else (1.0, 0.0)

    # Persons, their traces, and who was removed.
    person_of = {
        m: p
        for p, m, op in db.sql(
            f"SELECT person_id, msisdn, operator FROM read_parquet({parquet(dataset + '/person_sims')})"
        ).fetchall()
        if op == operator
    }
    trace = defaultdict(set)
    for m, d, start, _ in full:
        if m in person_of and d is not None:
            trace[person_of[m]].add((d, (start + LOCAL_OFFSET_S) // HOUR * HOUR - LOCAL_OFFSET_S))
    still = {person_of[m] for m, *_ in neighbour if m in person_of}
    removed = sorted(p for p in trace if p not in still)
    kept = sorted(p for p in trace if p in still)
    members = random.Random(args.seed).sample(kept, min(args.members, len(kept)))

    def score(person, member):
        s = 0.0
        for cell in trace[person]:
            if cell not in released:
                continue
            without = raw.get(cell, 0) - (1 if member else 0)
            x = released[cell] - (a * without + b)
            s += max(-1.0, min(1.0, 2 * x / a - 1))
        return s

    mine = auc([score(p, True) for p in members], [score(p, False) for p in removed])
    lo, hi = hanley_mcneil(mine, len(members), len(removed))
    h_lo, h_hi = theirs["auc"]["ci95"]
    overlap = lo <= h_hi and h_lo <= hi
    print(f"release {args.pipeline} on the neighbouring input: {len(released)} hourly district counts")
    print(f"line: released ≈ {a:.3f} · raw + {b:.3f} (harness: {theirs['calibration'][0]:.3f}, {theirs['calibration'][1]:.3f})")
    print("| | members | non-members | AUC (95 % interval) |")
    print("|---|---|---|---|")
    print(f"| this script | {len(members)} | {len(removed)} | {mine:.3f} ({lo:.3f}–{hi:.3f}) |")
    print(f"| harness | {theirs['members']} | {theirs['non_members']} | {theirs['auc']['value']:.3f} ({h_lo:.3f}–{h_hi:.3f}) |")
    print(f"intervals overlap: {'yes' if overlap else 'NO'}")
    sys.exit(0 if overlap else 1)


if __name__ == "__main__":
    main()
