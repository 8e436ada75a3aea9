#!/usr/bin/env python3
"""A conforming telcosynth pipeline: hourly present population and daily voice calls per
district, counts below 15 left out. Needs pyarrow (pip install pyarrow).

Run it through the harness:
    telcosynth bench --pipeline mine='python3 benchmarks/examples/pipeline.py'
"""
import argparse
import json
import os

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

HOUR, DAY, LOCAL = 3600, 86400, 8 * 3600  # local time is UTC+8
K = 15  # smallest count published

ap = argparse.ArgumentParser()
ap.add_argument("--input", required=True)
ap.add_argument("--output", required=True)
ap.add_argument("--seed", type=int, default=1)  # unused: nothing random here
a = ap.parse_args()


def read(table, columns):
    """A table of the input (a folder of Parquet files, date= sub-folders included)."""
    return ds.dataset(os.path.join(a.input, table), format="parquet").to_table(columns=columns)


def seconds(column):
    """A timestamp column as UTC epoch seconds."""
    return column.cast(pa.timestamp("s", tz="UTC"), safe=False).cast(pa.int64()).to_pylist()


cells = read("cells", ["cell_key", "district_code"])
district = dict(zip(cells["cell_key"].to_pylist(), cells["district_code"].to_pylist()))

present = {}  # (district, hour start) -> subscribers seen
calls = {}  # (district, local day start) -> voice legs
cdr = read("cdr", ["served_msisdn", "start_time", "first_cell_key", "record_type"])
for who, t, cell, kind in zip(
    cdr["served_msisdn"].to_pylist(),
    seconds(cdr["start_time"]),
    cdr["first_cell_key"].to_pylist(),
    cdr["record_type"].to_pylist(),
):
    d = district.get(cell)
    if d is None:
        continue
    present.setdefault((d, t // HOUR * HOUR), set()).add(who)
    if kind in ("MOC", "MTC"):
        day = (t + LOCAL) // DAY * DAY - LOCAL
        calls[(d, day)] = calls.get((d, day), 0) + 1
ip = read("ip_sessions", ["served_msisdn", "start_time", "end_time", "cell_key"])
for who, start, end, cell in zip(
    ip["served_msisdn"].to_pylist(),
    seconds(ip["start_time"]),
    seconds(ip["end_time"]),
    ip["cell_key"].to_pylist(),
):
    d = district.get(cell)
    if d is None:
        continue
    # A data record counts in every hour its [start, end) overlaps.
    for h in range(start // HOUR, (max(end, start + 1) - 1) // HOUR + 1):
        present.setdefault((d, h * HOUR), set()).add(who)

rows = [("present_population", d, t, t + HOUR, len(v)) for (d, t), v in present.items()]
rows += [("calls", d, t, t + DAY, n) for (d, t), n in calls.items()]
rows = sorted(r for r in rows if r[4] >= K)


def timestamps(values):
    return pa.array(values, pa.timestamp("s", tz="UTC"))


table = pa.table(
    {
        "indicator": [r[0] for r in rows],
        "zone_level": ["district"] * len(rows),
        "zone_id": [r[1] for r in rows],
        "t_start": timestamps([r[2] for r in rows]),
        "t_end": timestamps([r[3] for r in rows]),
        "breakdown_key": pa.nulls(len(rows), pa.string()),
        "breakdown_value": pa.nulls(len(rows), pa.string()),
        "value": pa.array([float(r[4]) for r in rows], pa.float64()),
    }
)
pq.write_table(table, os.path.join(a.output, "aggregates.parquet"))

# The manifest last: the harness reads the release only once it exists.
manifest = {
    "contract_version": 1,
    "kind": "aggregates",
    "pseudonym_columns": [],
    "spatial_level": "district",
    "time_bin_s": 3600,
    "suppression": {"k": K, "marker": "omitted"},
}
with open(os.path.join(a.output, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
