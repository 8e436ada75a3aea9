"""An independent computation of the harness's unicity and linkage on a microdata release.

  crosscheck.py RUN_FOLDER PIPELINE [--targets N] [--seed S]

RUN_FOLDER is a `telcosynth bench` run folder (its `input/`, `releases/PIPELINE/` and
`report.json`, whose dataset path names the truth); PIPELINE a microdata release in it with
pseudonyms in `served_msisdn`, cells (`first_cell_key` / `cell_key`) and hour bins, such as
`cell-hour-pseudonyms`. Written from the definitions in RISK.md, not from the harness's code:
its own sample of targets and points (Python's `random`), DuckDB to read the files, and
pseudonyms traced to SIMs by their sets of (cell, hour) points. Prints, for p = 1…5, this
computation's rate with its 95 % Wilson interval beside the harness's figure from
`report.json`, and whether the two intervals overlap. Exits 1 when any does not.
"""
import argparse
import json
import math
import os
import random
import sys
from collections import defaultdict

import duckdb

LOCAL_OFFSET_S = 8 * 3600
HOUR = 3600
TIME_NOISE_S = 900
POSITION_NOISE_M = 300.0
MATCH_WINDOW_S = 3600
MATCH_RADIUS_M = 2000.0
POINTS = [1, 2, 3, 4, 5]


def wilson(successes, n, z=1.959963984540054):
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, centre - half), min(1.0, centre + half))


def hour_bin(t):
    return (t + LOCAL_OFFSET_S) // HOUR


def parquet(folder):
    return f"'{folder}/**/*.parquet'"


def load(run, pipeline):
    report = json.load(open(os.path.join(run, "report.json")))
    dataset = report["dataset"]["path"]
    if not os.path.isabs(dataset):
        dataset = os.path.join(os.getcwd(), dataset)
    inp = os.path.join(run, "input")
    release = os.path.join(run, "releases", pipeline, "microdata")
    operator = json.load(open(os.path.join(inp, "schema.json")))["operator"]["name"]
    db = duckdb.connect()
    # The view's records: (msisdn, cell, time).
    view = db.sql(
        f"""SELECT served_msisdn AS m, first_cell_key AS c, epoch(start_time)::BIGINT AS t
            FROM read_parquet({parquet(inp + '/cdr')})
            UNION ALL
            SELECT served_msisdn, cell_key, epoch(start_time)::BIGINT
            FROM read_parquet({parquet(inp + '/ip_sessions')})"""
    ).fetchall()
    rel = db.sql(
        f"""SELECT served_msisdn AS s, first_cell_key AS c, epoch(start_time)::BIGINT AS t
            FROM read_parquet({parquet(release + '/cdr')})
            UNION ALL
            SELECT served_msisdn, cell_key, epoch(start_time)::BIGINT
            FROM read_parquet({parquet(release + '/ip_sessions')})"""
    ).fetchall()
    sims = db.sql(
        f"""SELECT person_id, msisdn, operator
            FROM read_parquet({parquet(dataset + '/person_sims')})"""
    ).fetchall()
    stays = db.sql(
        f"""SELECT person_id, epoch(start_time)::BIGINT, epoch(end_time)::BIGINT, start_lat, start_lon
            FROM read_parquet({parquet(dataset + '/trajectories')}) WHERE kind = 'stay'"""
    ).fetchall()
    cells = db.sql(
        f"SELECT cell_key, lat, lon FROM read_parquet({parquet(inp + '/cells')})"
    ).fetchall()
    harness = next(p for p in report["pipelines"] if p["name"] == pipeline)
    risk = harness["outcome"]["risk"]["report"]
    return view, rel, sims, stays, cells, operator, risk


def km(a, b):
    """Great-circle distance between (lat, lon) points, km."""
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run")
    ap.add_argument("pipeline")
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    view, rel, sims, stays, cells, operator, risk = load(args.run, args.pipeline)
    rng = random.Random(args.seed)

    # Points per SIM of the view, and per release pseudonym, at (cell, hour).
    sim_points = defaultdict(set)
    sim_records = defaultdict(int)
    for m, c, t in view:
        if m is None or c is None:
            continue
        sim_points[m].add((c, hour_bin(t)))
        sim_records[m] += 1
    pseudo_points = defaultdict(set)
    at_point = defaultdict(set)
    for s, c, t in rel:
        if s is None or c is None:
            continue
        pseudo_points[s].add((c, hour_bin(t)))
        at_point[(c, hour_bin(t))].add(s)
    # A pseudonym belongs to the SIM whose points are exactly its points.
    sim_of_points = {frozenset(p): m for m, p in sim_points.items()}
    owner_sim = {s: sim_of_points.get(frozenset(p)) for s, p in pseudo_points.items()}
    person_of = {}
    sims_of = defaultdict(list)
    for person, m, op in sims:
        if op == operator:
            person_of[m] = person
            sims_of[person].append(m)
    pseudos_of = defaultdict(set)
    for s, m in owner_sim.items():
        if m in person_of:
            pseudos_of[person_of[m]].add(s)
    traced = sum(1 for m in owner_sim.values() if m is not None) / max(1, len(owner_sim))

    persons = sorted(p for p, ms in sims_of.items() if any(m in sim_points for m in ms))
    targets = sorted(rng.sample(persons, min(args.targets, len(persons))))

    # Unicity: p points of the person's busiest SIM; unique when exactly one pseudonym has all.
    unicity = {}
    for p in POINTS:
        n = unique = 0
        for person in targets:
            busiest = min(sims_of[person], key=lambda m: (-sim_records.get(m, 0), m))
            points = sorted(sim_points.get(busiest, ()))
            if len(points) < p:
                continue
            chosen = rng.sample(points, p)
            candidates = set.intersection(*(at_point.get(pt, set()) for pt in chosen))
            n += 1
            unique += len(candidates) == 1
        unicity[p] = (unique, n)

    # Linkage: p true stays, a random instant of each moved by ±15 min and a random point
    # within 300 m; a released event is compatible when its hour overlaps ±1 h of the instant
    # at a cell whose site lies within 2 km; the pseudonyms compatible with the most points
    # win, ties split.
    stays_of = defaultdict(list)
    for person, start, end, lat, lon in stays:
        stays_of[person].append((start, end, lat, lon))
    sites = [(c, lat, lon) for c, lat, lon in cells]
    events_at_cell_hour = at_point
    linkage = {}
    for p in POINTS:
        n = 0
        success = 0.0
        for person in targets:
            own = stays_of.get(person, [])
            if len(own) < p:
                continue
            n += 1
            counts = defaultdict(int)
            for start, end, lat, lon in rng.sample(own, p):
                t = start + int((end - start) * rng.random()) + int((2 * rng.random() - 1) * TIME_NOISE_S)
                r_km = POSITION_NOISE_M / 1000 * math.sqrt(rng.random())
                angle = 2 * math.pi * rng.random()
                dlat = r_km * math.sin(angle) / 111.32
                dlon = r_km * math.cos(angle) / (111.32 * math.cos(math.radians(lat)))
                here = (lat + dlat, lon + dlon)
                near = [c for c, la, lo in sites if km(here, (la, lo)) * 1000 <= MATCH_RADIUS_M]
                compatible = set()
                for h in range(hour_bin(t - MATCH_WINDOW_S), hour_bin(t + MATCH_WINDOW_S) + 1):
                    for c in near:
                        compatible |= events_at_cell_hour.get((c, h), set())
                for s in compatible:
                    counts[s] += 1
            if counts:
                best = max(counts.values())
                winners = [s for s, k in counts.items() if k == best]
                success += sum(1 for s in winners if s in pseudos_of[person]) / len(winners)
        linkage[p] = (success, n)

    ok = True
    print(f"release {args.pipeline}: {len(pseudo_points)} pseudonyms, {100 * traced:.1f} % traced to a SIM by their points")
    print(f"targets: {len(targets)} of {len(persons)} persons with a SIM of {operator} in the view (seed {args.seed})")
    print("| attack | p | this script (95 % interval) | harness (95 % interval) | intervals overlap |")
    print("|---|---|---|---|---|")
    for name, mine in (("unicity", unicity), ("linkage", linkage)):
        theirs = {r["p"]: r["attack_rate"] for r in risk[name]}
        for p in POINTS:
            k, n = mine[p]
            lo, hi = wilson(k, n)
            h = theirs[p]
            overlap = lo <= h["ci95"][1] and h["ci95"][0] <= hi
            ok &= overlap
            print(
                f"| {name} | {p} | {k / max(n, 1):.3f} ({lo:.3f}–{hi:.3f}), n = {n} "
                f"| {h['rate']:.3f} ({h['ci95'][0]:.3f}–{h['ci95'][1]:.3f}), n = {h['n']} | {'yes' if overlap else 'NO'} |"
            )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
