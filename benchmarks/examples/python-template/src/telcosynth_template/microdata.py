"""Example microdata pipeline: call and data records with a keyed pseudonym per subscriber and
local day (HMAC-SHA-256 under a key drawn from `--seed`, never released), cells generalised to
their district, times truncated to the hour, every other identifier left out."""
import hashlib
import hmac
import os
import random

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import contract


def pseudonyms(key, numbers, days):
    """HMAC(key, day | number), 16 hex digits: unrelated from one day to the next."""
    return pa.array(
        [
            None
            if n is None
            else hmac.new(key, f"{d}|{n}".encode(), hashlib.sha256).hexdigest()[:16]
            for n, d in zip(numbers, days)
        ],
        pa.string(),
    )


def generalise(input_dir, table, cell_col, time_cols, keep, key, district):
    t = ds.dataset(os.path.join(input_dir, table), format="parquet").to_table(
        columns=["served_msisdn", cell_col, *time_cols, *keep]
    )
    starts = t["start_time"].cast(pa.timestamp("s", tz="UTC"), safe=False).cast(pa.int64())
    days = [contract.local_day(s) for s in starts.to_pylist()]
    columns = {"served_msisdn": pseudonyms(key, t["served_msisdn"].to_pylist(), days)}
    for c in time_cols:
        columns[c] = pc.floor_temporal(t[c], unit="hour")
    for c in keep:
        columns[c] = t[c]
    columns["district_code"] = pa.array([district.get(c) for c in t[cell_col].to_pylist()], pa.string())
    return pa.table(columns)


def main():
    a = contract.arguments(__doc__)
    key = random.Random(a.seed).randbytes(32)
    cells = ds.dataset(os.path.join(a.input, "cells"), format="parquet").to_table(
        columns=["cell_key", "district_code"]
    )
    district = dict(zip(cells["cell_key"].to_pylist(), cells["district_code"].to_pylist()))
    for table, cell_col, times, keep in (
        ("cdr", "first_cell_key", ["start_time"], ["operator", "record_type", "duration_s", "result"]),
        ("ip_sessions", "cell_key", ["start_time", "end_time"], ["operator", "rat", "bytes_up", "bytes_down"]),
    ):
        folder = os.path.join(a.output, "microdata", table)
        os.makedirs(folder)
        out = generalise(a.input, table, cell_col, times, keep, key, district)
        pq.write_table(out, os.path.join(folder, "part-0.parquet"))
    contract.write_manifest(
        a.output,
        kind="microdata",
        spatial_level="district",
        time_bin_s=contract.HOUR,
        pseudonym_columns=["cdr.served_msisdn", "ip_sessions.served_msisdn"],
    )


if __name__ == "__main__":
    main()
