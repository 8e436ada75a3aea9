"""Example aggregates pipeline: hourly present population per district, each subscriber
counted in one district per hour (the district of their first record of the hour), with
Laplace noise — ε-differentially private per subscriber-day for this one indicator (a day's
records touch at most 24 hourly counts, one each: L1 sensitivity 24).

Randomness comes from `--seed` through Python's `random`, so the same seed gives the same
release. A DP library that cannot be seeded (OpenDP) gives a different release on every run:
the contract records the seed but does not enforce "same seed, same release".
"""
import math
import os
import random

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import contract

EPSILON = 1.0
SENSITIVITY = 24


def laplace(rng, scale):
    """A Laplace draw by inverse CDF (a baseline, not a hardened mechanism)."""
    u = rng.random() - 0.5
    return -scale * math.copysign(1.0, u) * math.log(1 - 2 * abs(u))


def seconds(column):
    return column.cast(pa.timestamp("s", tz="UTC"), safe=False).cast(pa.int64()).to_pylist()


def read(input_dir, table, columns):
    return ds.dataset(os.path.join(input_dir, table), format="parquet").to_table(columns=columns)


def main():
    a = contract.arguments(__doc__)
    period = contract.schema(a.input)["period"]
    cells = read(a.input, "cells", ["cell_key", "district_code"])
    district = dict(zip(cells["cell_key"].to_pylist(), cells["district_code"].to_pylist()))
    # (subscriber, hour) -> district of the first record of that hour.
    first = {}
    for table, cell_col in (("cdr", "first_cell_key"), ("ip_sessions", "cell_key")):
        t = read(a.input, table, ["served_msisdn", "start_time", cell_col])
        for who, start, cell in zip(
            t["served_msisdn"].to_pylist(), seconds(t["start_time"]), t[cell_col].to_pylist()
        ):
            d = district.get(cell)
            if who is None or d is None:
                continue
            key = (who, start // contract.HOUR)
            if key not in first or start < first[key][0]:
                first[key] = (start, d)
    counts = {}
    for (_, hour), (_, d) in first.items():
        counts[(d, hour)] = counts.get((d, hour), 0) + 1
    # Every district and hour of the period is published, zero counts included, so which rows
    # exist reveals nothing.
    hours = range(period["t_start_utc_s"] // contract.HOUR, period["t_end_utc_s"] // contract.HOUR)
    rng = random.Random(a.seed)
    scale = SENSITIVITY / EPSILON
    rows = []
    for d in sorted(set(district.values()) - {None}):
        for h in hours:
            noisy = counts.get((d, h), 0) + laplace(rng, scale)
            rows.append((d, h * contract.HOUR, max(0.0, round(noisy))))
    table = pa.table(
        {
            "indicator": ["present_population"] * len(rows),
            "zone_level": ["district"] * len(rows),
            "zone_id": [r[0] for r in rows],
            "t_start": pa.array([r[1] for r in rows], pa.timestamp("s", tz="UTC")),
            "t_end": pa.array([r[1] + contract.HOUR for r in rows], pa.timestamp("s", tz="UTC")),
            "breakdown_key": pa.nulls(len(rows), pa.string()),
            "breakdown_value": pa.nulls(len(rows), pa.string()),
            "value": pa.array([r[2] for r in rows], pa.float64()),
        }
    )
    pq.write_table(table, os.path.join(a.output, "aggregates.parquet"))
    contract.write_manifest(
        a.output,
        kind="aggregates",
        spatial_level="district",
        time_bin_s=contract.HOUR,
        privacy_claim={
            "mechanism": "laplace",
            "epsilon": EPSILON,
            "unit": "subscriber-day",
            "contribution_bound": {"present_population": "one district per hour, 24 per day"},
        },
    )


if __name__ == "__main__":
    main()
