"""The pipeline contract's plumbing (benchmarks/PIPELINE_CONTRACT.md in telcosynth), standard
library only: the arguments the harness passes, the input's `schema.json`, and the release
manifest, written last and atomically."""
import argparse
import json
import os

CONTRACT_VERSION = 1
HOUR, DAY, LOCAL_OFFSET = 3600, 86400, 8 * 3600  # local time is UTC+8


def arguments(description):
    """`--input IN --output OUT --seed N`, as the harness passes them."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--input", required=True, help="the operator's view (read-only)")
    ap.add_argument("--output", required=True, help="the release folder (empty)")
    ap.add_argument("--seed", type=int, default=1, help="for the pipeline's own randomness")
    return ap.parse_args()


def schema(input_dir):
    """The input's schema.json: the target operator, the period and every column."""
    with open(os.path.join(input_dir, "schema.json")) as f:
        return json.load(f)


def local_day(t):
    """UTC epoch seconds of the local midnight starting the day of `t`."""
    return (t + LOCAL_OFFSET) // DAY * DAY - LOCAL_OFFSET


def write_manifest(
    output_dir,
    kind,
    spatial_level,
    time_bin_s,
    pseudonym_columns=(),
    suppression=None,
    privacy_claim=None,
):
    """Writes OUT/manifest.json last: to a temporary name, then renamed, so the harness never
    sees half a manifest. Checks what the contract checks first."""
    if kind not in ("aggregates", "microdata", "both"):
        raise ValueError(f"kind {kind!r}: aggregates, microdata or both")
    if spatial_level not in ("cell", "district", "state"):
        raise ValueError(f"spatial_level {spatial_level!r}: cell, district or state")
    if int(time_bin_s) < 1:
        raise ValueError("time_bin_s must be at least 1")
    for column in pseudonym_columns:
        if "." not in column:
            raise ValueError(f"pseudonym column {column!r}: write it as table.column")
    manifest = {
        "contract_version": CONTRACT_VERSION,
        "kind": kind,
        "pseudonym_columns": sorted(pseudonym_columns),
        "spatial_level": spatial_level,
        "time_bin_s": int(time_bin_s),
        "suppression": suppression,
    }
    if privacy_claim is not None:
        manifest["privacy_claim"] = privacy_claim
    path = os.path.join(output_dir, "manifest.json")
    with open(path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
    return manifest
