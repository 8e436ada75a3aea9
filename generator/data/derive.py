#!/usr/bin/env python3
"""Derive the compact reference tables embedded in telcosynth-generator.

Usage: python3 generator/data/derive.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data/malaysia relative to the repository root.
Outputs go next to this script (generator/data/) plus the generated Rust source
generator/src/public_data/names_data.rs. Standard library only; the output is a pure
function of the input files (same input, same bytes). Sources and licences of every
output are documented in generator/data/README.md.
"""

import csv
import json
import math
import re
import sys
from collections import OrderedDict, defaultdict
from datetime import date, timedelta
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
REPO_ROOT = DATA_DIR.parent.parent
NAMES_RS = REPO_ROOT / "generator" / "src" / "public_data" / "names_data.rs"

EARTH_RADIUS_KM = 6371.0088

# --- boundary simplification parameters ---
DP_TOLERANCE_DEG = 0.003
MIN_TOLERANCE_DEG = 0.0001
MAX_AREA_DEVIATION = 0.02
MIN_ISLAND_KM2 = 1.0
# Districts whose simplified polygon area differs from the DOSM official area by more than
# this are reported; they are listed in README.md and in the Rust tests.
AREA_CHECK_TOLERANCE = 0.10

# --- operators ---
# (key, display name, mnc list (primary first), operator_group_2025 label in the prefix file)
OPERATORS = [
    ("celcomdigi", "CelcomDigi", ["13", "19", "16"], "CelcomDigi"),
    ("maxis", "Maxis", ["12", "17"], "Maxis"),
    ("umobile", "U Mobile", ["18"], "U Mobile"),
    ("mvno", "MVNOs (Tune Talk / XOX / redONE and others)", ["150", "156", "157"], "MVNO"),
    ("unifi", "unifi Mobile (TM)", ["153"], "TM (unifi Mobile)"),
    ("yes", "Yes (YTL)", ["152"], "YTL (Yes)"),
]
# Assumed split of the subscriptions not held by CelcomDigi and Maxis: the shared data set
# has no subscriber counts for these operators.
REMAINDER_SPLIT = {"umobile": 0.55, "mvno": 0.25, "unifi": 0.12, "yes": 0.08}

# --- handsets ---
MAX_TACS_PER_BRAND = 60
# Brand label in handset_market_share.csv -> brand in the TAC table.
SHARE_BRAND_TO_TAC_BRAND = {
    "Xiaomi": "Xiaomi",
    "Apple": "Apple",
    "Samsung": "Samsung",
    "Honor": "Honor",
    "OPPO (incl. OnePlus)": "OPPO",
}
# TAC reporting bodies kept: 01 (CTIA), 35 (BABT) and 86 (TAF, China). The older ones
# (44, 45, 49, 50, 52, ...) hold 1990s models; 99 holds North American CDMA devices.
MODERN_TAC_PREFIXES = ("01", "35", "86")
# Not handsets: tablets and USB modems.
NON_HANDSET = re.compile(r"ipad|\btab|pad\b|padfone|fonepad|^E\d{3}|^SM-[TP]|^GT-P|^GT-N[58]", re.I)
# Samsung's list is dominated by 2000s feature phones; keep its smartphone lines.
SAMSUNG_SMARTPHONE = re.compile(r"SM-[AGJMN]|GALAXY|GT-I|GT-S|GT-N7", re.I)


def fail(msg):
    sys.exit(f"derive.py: {msg}")


def read_csv(src, name):
    with open(src / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def clean(value):
    """Make a value safe for the unquoted CSV format: no comma, quote or newline."""
    value = re.sub(r"[,\"\r\n]+", " ", str(value))
    return re.sub(r"\s+", " ", value).strip()


def write_csv(name, header, rows):
    lines = [",".join(header)]
    for row in rows:
        if len(row) != len(header):
            fail(f"{name}: row {row} does not match header {header}")
        cells = [str(v) for v in row]
        for cell in cells:
            if any(c in cell for c in ',"\r\n'):
                fail(f"{name}: value {cell!r} contains a comma, quote or newline")
        lines.append(",".join(cells))
    write_text(DATA_DIR / name, "\n".join(lines) + "\n")


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {path.relative_to(REPO_ROOT)} ({len(text.encode('utf-8')):,} bytes)")


def fmt(x, decimals):
    """Fixed-point text of x, never a negative zero."""
    s = f"{x:.{decimals}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s


# ---------------------------------------------------------------------------
# States and districts
# ---------------------------------------------------------------------------


def derive_states(src):
    rows = []
    for r in read_csv(src, "states.csv"):
        region = {"Peninsular": "Peninsular", "East Malaysia": "East"}[r["region"]]
        weekend = {"Fri-Sat": "FriSat", "Sat-Sun": "SatSun"}[r["weekend_2025"]]
        rows.append((int(r["code_state"]), r["iso_3166_2"], clean(r["state"]), region, weekend,
                     int(r["population_2020"])))
    rows.sort()
    if len(rows) != 16:
        fail("expected 16 states")
    write_csv("states.csv", ["code", "iso", "name", "region", "weekend", "population_2020"], rows)


def district_sort_key(code):
    state, district = code.split("_")
    return int(state), int(district)


# Census columns whose 2020 value is needed for a district share, by share group.
SHARE_GROUPS = {
    "sex": ["sex_male", "sex_female"],
    "nationality": ["nationality_citizen", "nationality_non_citizen"],
    "ethnicity": ["ethnicity_bumi", "ethnicity_chinese", "ethnicity_indian", "ethnicity_other"],
    "age": ["age_0_14", "age_15_64", "age_65_above"],
    "urban": ["population_urban", "population_rural"],
}


def group_shares(row, columns, state_shares, notes):
    """Shares of each column in its group's total.

    A blank cell is read as 0 when the other cells of the group already add up to the
    reference total (the published total or the citizen count, for ethnicity); otherwise
    the state aggregate share is used for it and the others are scaled to fill the rest.
    """
    code = row["code_state_district"]
    blanks = [c for c in columns if row[c].strip() == ""]
    known = {c: int(row[c]) for c in columns if c not in blanks}
    if not blanks:
        total = sum(known.values())
        return [known[c] / total for c in columns]
    reference = int(row["nationality_citizen"] if columns[0].startswith("ethnicity") else row["population_total"])
    if sum(known.values()) == reference:
        notes.append(f"{code}: blank {', '.join(blanks)} read as 0 (the other cells add up to the total)")
        return [known.get(c, 0) / reference for c in columns]
    fallback = {c: state_shares[c] for c in blanks}
    rest = 1.0 - sum(fallback.values())
    total = sum(known.values())
    notes.append(f"{code}: blank {', '.join(blanks)} replaced by the state aggregate share")
    return [fallback[c] if c in fallback else rest * known[c] / total for c in columns]


def derive_districts(src):
    census = [r for r in read_csv(src, "population_district_census_1970_2020.csv") if r["year"] == "2020"]
    compact = {r["code_state_district"]: r for r in read_csv(src, "districts.csv")}
    if len(census) != 160 or len(compact) != 160:
        fail("expected 160 districts")

    # State aggregates (over districts with a value) for the blank-cell fallback.
    state_shares = {}
    by_state = defaultdict(list)
    for r in census:
        by_state[r["code_state"]].append(r)
    for state, rows in by_state.items():
        shares = {}
        for columns in SHARE_GROUPS.values():
            complete = [r for r in rows if all(r[c].strip() for c in columns)]
            total = sum(int(r[c]) for r in complete for c in columns)
            for c in columns:
                shares[c] = sum(int(r[c]) for r in complete) / total
        hh = [r for r in rows if r["household_size_avg"].strip()]
        shares["household_size_avg"] = (sum(float(r["household_size_avg"]) * int(r["population_total"]) for r in hh)
                                        / sum(int(r["population_total"]) for r in hh))
        state_shares[state] = shares

    notes = []
    out = []
    census.sort(key=lambda r: district_sort_key(r["code_state_district"]))
    for index, r in enumerate(census):
        code = r["code_state_district"]
        ss = state_shares[r["code_state"]]
        shares = {name: group_shares(r, cols, ss, notes) for name, cols in SHARE_GROUPS.items()}
        if r["household_size_avg"].strip():
            household = float(r["household_size_avg"])
        else:
            household = ss["household_size_avg"]
            notes.append(f"{code}: blank household_size_avg replaced by the state average")
        c = compact[code]
        out.append((
            index, code, int(r["code_state"]), clean(r["state"]), clean(r["district"]),
            int(r["population_total"]), fmt(float(r["area_km2"]), 0),
            fmt(shares["urban"][0], 4), fmt(shares["sex"][0], 4), fmt(shares["nationality"][1], 4),
            fmt(household, 1),
            *(fmt(x, 4) for x in shares["ethnicity"]),
            *(fmt(x, 4) for x in shares["age"]),
            fmt(float(c["centroid_lat"]), 5), fmt(float(c["centroid_lon"]), 5),
        ))
    write_csv("districts.csv", [
        "index", "code", "state_code", "state", "district", "population_2020", "area_km2",
        "urban_share", "male_share", "non_citizen_share", "household_size_avg",
        "eth_bumi", "eth_chinese", "eth_indian", "eth_other", "age_0_14", "age_15_64", "age_65_plus",
        "centroid_lat", "centroid_lon",
    ], out)
    for n in notes:
        print(f"  note: {n}")
    return {row[1]: float(row[6]) for row in out}


# ---------------------------------------------------------------------------
# District boundaries: Douglas-Peucker per ring
# ---------------------------------------------------------------------------


def ring_area_km2(ring):
    """Unsigned area of a closed ring (lon/lat degrees) on a sphere, Chamberlain-Duquette."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        lon1, lat1 = ring[i]
        lon2, lat2 = ring[(i + 1) % n]
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total) * EARTH_RADIUS_KM**2 / 2


def signed_planar_area(ring):
    """Shoelace area in degrees²: positive for a counter-clockwise ring (x = lon, y = lat)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def part_area_km2(part):
    return ring_area_km2(part[0]) - sum(ring_area_km2(h) for h in part[1:])


def segment_distance(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points, tol):
    """Simplify an open polyline, keeping its end points (iterative, no recursion limit)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, best_dist = None, tol
        for i in range(first + 1, last):
            d = segment_distance(points[i], points[first], points[last])
            if d > best_dist:
                best, best_dist = i, d
        if best is not None:
            keep[best] = True
            stack.append((first, best))
            stack.append((best, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring, tol):
    """Simplify a ring (given without its closing point) and round it to 5 decimals;
    None if it collapses to fewer than 3 distinct points or to zero area."""
    if len(ring) < 3:
        return None
    start = ring[0]
    far = max(range(1, len(ring)), key=lambda i: math.hypot(ring[i][0] - start[0], ring[i][1] - start[1]))
    a = douglas_peucker(ring[: far + 1], tol)
    b = douglas_peucker(ring[far:] + [start], tol)
    out = []
    for p in a[:-1] + b[:-1]:
        q = (round(p[0], 5), round(p[1], 5))
        if not out or out[-1] != q:
            out.append(q)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(set(out)) < 3 or ring_area_km2(out) == 0:
        return None
    return out


def segments_intersect(a, b, c, d):
    """Whether the closed segments ab and cd share at least one point."""

    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    def on_segment(p, q, r):  # r collinear with pq: is it within the bounding box?
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and on_segment(a, b, c)) or (o2 == 0 and on_segment(a, b, d))
            or (o3 == 0 and on_segment(c, d, a)) or (o4 == 0 and on_segment(c, d, b)))


def rings_cross(rings):
    """Whether any two edges of the rings touch, apart from consecutive edges of one ring
    at their shared vertex (a sweep over the edges sorted by their smallest x)."""
    edges = []
    for ri, ring in enumerate(rings):
        n = len(ring)
        for i in range(n):
            a, b = ring[i], ring[(i + 1) % n]
            edges.append((min(a[0], b[0]), max(a[0], b[0]), ri, i, n, a, b))
    edges.sort(key=lambda e: e[0])
    for k, (_, max_x, ri, i, n, a, b) in enumerate(edges):
        for min_x2, _, rj, j, _, c, d in edges[k + 1:]:
            if min_x2 > max_x:
                break
            if ri == rj and (abs(i - j) == 1 or abs(i - j) == n - 1):
                continue
            if segments_intersect(a, b, c, d):
                return True
    return False


def point_in_ring(p, ring):
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def is_valid(parts):
    """OGC validity of the simplified district: simple rings, holes inside their exterior,
    parts and rings not touching one another."""
    if rings_cross([ring for part in parts for ring in part]):
        return False
    for i, part in enumerate(parts):
        if not all(point_in_ring(hole[0], part[0]) for hole in part[1:]):
            return False
        if any(point_in_ring(hole[0], other) for hole in part[1:] for other in part[1:] if other is not hole):
            return False
        for j, other in enumerate(parts):
            # Edges do not cross, so one vertex tells whether a part lies inside another
            # (inside one of its holes is fine).
            if i != j and point_in_ring(part[0][0], other[0]) and not any(
                    point_in_ring(part[0][0], hole) for hole in other[1:]):
                return False
    return True


def open_ring(coords):
    pts = [(float(x), float(y)) for x, y in coords]
    if pts[0] == pts[-1]:
        pts.pop()
    return pts


def simplify_district(parts, tol):
    """Simplified parts (largest first); small islands and collapsed rings are dropped."""
    order = sorted(range(len(parts)), key=lambda i: -part_area_km2(parts[i]))
    out = []
    for rank, i in enumerate(order):
        outer = simplify_ring(parts[i][0], tol)
        if rank == 0 and outer is None:
            outer = parts[i][0]  # never drop the main ring
        if outer is None or (rank > 0 and ring_area_km2(outer) < MIN_ISLAND_KM2):
            continue
        holes = [h for h in (simplify_ring(h, tol) for h in parts[i][1:]) if h is not None]
        out.append([outer] + holes)
    return out


def derive_boundaries(src, official_area):
    with open(src / "administrative_2_district.geojson", encoding="utf-8") as f:
        features = json.load(f)["features"]
    features.sort(key=lambda f: district_sort_key(f["properties"]["code_state_district"]))
    lines = []
    report = []
    for f in features:
        code = f["properties"]["code_state_district"]
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        parts = [[open_ring(r) for r in poly] for poly in polys]
        original = sum(part_area_km2(p) for p in parts)
        tol = DP_TOLERANCE_DEG
        while True:
            simple = simplify_district(parts, tol)
            area = sum(part_area_km2(p) for p in simple)
            area_ok = abs(area - original) <= MAX_AREA_DEVIATION * original
            if (area_ok and is_valid(simple)) or tol <= MIN_TOLERANCE_DEG:
                break
            tol /= 2
        if not area_ok:
            fail(f"{code}: simplified area {area:.1f} km² is not within 2% of {original:.1f} km²")
        if not is_valid(simple):
            fail(f"{code}: no valid simplification down to tolerance {tol}")
        for pi, part in enumerate(simple):
            for ri, ring in enumerate(part):
                # Simple Features winding: exterior counter-clockwise, holes clockwise.
                if (signed_planar_area(ring) > 0) != (ri == 0):
                    ring = ring[::-1]
                coords = ",".join(f"{fmt(x, 5)} {fmt(y, 5)}" for x, y in ring)
                lines.append(f"{code};{pi};{ri};{coords}")
        report.append((code, f["properties"]["district"], area, official_area[code], tol))
    write_text(DATA_DIR / "district_boundaries.txt", "\n".join(lines) + "\n")
    off = [r for r in report if abs(r[2] - r[3]) > AREA_CHECK_TOLERANCE * r[3]]
    print(f"  tolerance reduced for: {[(r[0], r[4]) for r in report if r[4] < DP_TOLERANCE_DEG]}")
    for code, name, area, dosm, _ in off:
        print(f"  area check outlier: {code} {name}: polygon {area:.1f} km² vs DOSM {dosm:.0f} km²")


# ---------------------------------------------------------------------------
# Operators and number ranges
# ---------------------------------------------------------------------------


def fact(rows, metric, operator, period=None):
    hits = [r for r in rows if r["metric"] == metric
            and r.get("operator", r.get("operator_or_state")) == operator
            and (period is None or r["period"] == period)]
    if len(hits) != 1:
        fail(f"expected one fact {metric}/{operator}/{period}, found {len(hits)}")
    return float(hits[0]["value"])


def derive_operators(src):
    market = read_csv(src, "mobile_market_facts.csv")
    usage = read_csv(src, "mobile_usage_facts.csv")
    total = fact(market, "mobile_cellular_subscriptions", "ALL", "2019")
    celcomdigi = fact(market, "mobile_subscribers", "CelcomDigi", "recent (2024-2025)")
    maxis = fact(market, "mobile_subscribers", "Maxis", "2023-Q1")
    national_prepaid = fact(usage, "prepaid_share_of_subscriptions", "ALL", "2016-Q3")
    prepaid = {
        "celcomdigi": fact(usage, "prepaid_share_of_subscriptions", "CelcomDigi"),
        "maxis": fact(usage, "prepaid_share_of_subscriptions", "Maxis"),
    }
    share = {"celcomdigi": round(celcomdigi / total, 4), "maxis": round(maxis / total, 4)}
    remainder = 1.0 - share["celcomdigi"] - share["maxis"]
    for key, w in REMAINDER_SPLIT.items():
        share[key] = round(remainder * w, 4)
    # Absorb rounding so the shares add up to exactly 1 (at 4 decimals).
    share["umobile"] = round(1.0 - sum(v for k, v in share.items() if k != "umobile"), 4)

    assumed = (f"assumption: {{pct}}% of the {remainder:.4f} not held by CelcomDigi/Maxis "
               "(no per-operator count in the data)")
    national = f"prepaid {national_prepaid} = MCMC 3Q16 national share"
    source = {
        "celcomdigi": f"{celcomdigi / 1e6:.1f}M subs (mobile_market_facts) / {total / 1e6:.1f}M MCMC 2019 total; "
                      f"prepaid {prepaid['celcomdigi']} from 4Q22 results",
        "maxis": f"{maxis / 1e6:.2f}M subs 1Q23 (mobile_market_facts) / {total / 1e6:.1f}M MCMC 2019 total; "
                 f"prepaid {prepaid['maxis']} from 1Q23 results",
    }
    for key, w in REMAINDER_SPLIT.items():
        source[key] = assumed.format(pct=round(w * 100)) + "; " + national
    rows = []
    for key, name, mncs, _ in OPERATORS:
        rows.append((key, name, 502, " ".join(mncs), fmt(share[key], 4),
                     fmt(prepaid.get(key, national_prepaid), 3), clean(source[key])))
    write_csv("operators.csv",
              ["key", "name", "mcc", "mncs", "market_share", "prepaid_share", "source"], rows)


def derive_prefixes(src):
    group_to_key = {group: key for key, _, _, group in OPERATORS}
    holder = {}
    for r in read_csv(src, "mobile_number_prefixes.csv"):
        digits = r["e164_prefix"].removeprefix("+60")
        if not digits.isdigit() or not digits.startswith("1"):
            fail(f"unexpected mobile prefix {r['e164_prefix']}")
        holder[digits] = group_to_key[r["operator_group_2025"]]
    # A block nested in a shorter block of the same operator adds nothing under
    # longest-prefix matching: drop it.
    kept = {}
    dropped = []
    for digits, key in holder.items():
        parent = next((digits[:n] for n in range(len(digits) - 1, 0, -1) if digits[:n] in holder), None)
        if parent is not None and holder[parent] == key:
            dropped.append(digits)
        else:
            kept[digits] = key
    print(f"  dropped prefixes nested in a same-operator block: {sorted(dropped)}")
    order = {key: i for i, (key, *_) in enumerate(OPERATORS)}
    rows = sorted(((key, digits, 10 if digits[:2] in ("11", "15") else 9) for digits, key in kept.items()),
                  key=lambda r: (order[r[0]], r[1]))
    write_csv("msisdn_prefixes.csv", ["operator", "digits", "nsn_length"], rows)


# ---------------------------------------------------------------------------
# Handsets
# ---------------------------------------------------------------------------


def latest_vendor_shares(src):
    rows = [r for r in read_csv(src, "handset_market_share.csv") if r["metric"] == "smartphone_vendor_share"]
    period = max(r["period"] for r in rows if re.fullmatch(r"\d{4}-\d{2}", r["period"]))
    return period, [r for r in rows if r["period"] == period]


def derive_handsets(src):
    period, shares = latest_vendor_shares(src)
    brands = sorted(set(SHARE_BRAND_TO_TAC_BRAND.values()))
    by_brand = defaultdict(list)
    for r in read_csv(src, "tac_examples_osmocom.csv"):
        brand, model = r["brand"], clean(r["model"])
        if brand == "Huawei" and model.upper().startswith("HONOR"):
            brand = "Honor"  # Honor models filed under Huawei
        if brand not in brands or not r["tac"].startswith(MODERN_TAC_PREFIXES):
            continue
        if r["device_kind"] in ("ipad", "other") or NON_HANDSET.search(model):
            continue
        if brand == "Samsung" and not SAMSUNG_SMARTPHONE.search(model):
            continue
        if not re.fullmatch(r"\d{8}", r["tac"]):
            fail(f"bad TAC {r['tac']}")
        by_brand[brand].append((r["tac"], model))
    rows = []
    for brand in brands:
        entries = sorted(set(by_brand[brand]))
        # One TAC per model first (the highest), then more TACs, highest first.
        last_per_model = {}
        for tac, model in entries:
            last_per_model[model] = tac
        first_choice = sorted(set(last_per_model.values()), reverse=True)
        others = sorted({t for t, _ in entries} - set(first_choice), reverse=True)
        chosen = set((first_choice + others)[:MAX_TACS_PER_BRAND])
        model_of = dict(entries)
        rows.extend((tac, brand, model_of[tac]) for tac in sorted(chosen))
        print(f"  {brand}: {len(chosen)} TACs")
    write_csv("tac_handsets.csv", ["tac", "brand", "model"], rows)

    kept = [(SHARE_BRAND_TO_TAC_BRAND[r["brand"]], float(r["value"])) for r in shares
            if r["brand"] in SHARE_BRAND_TO_TAC_BRAND]
    total = sum(v for _, v in kept)
    folded = sorted(r["brand"] for r in shares if r["brand"] not in SHARE_BRAND_TO_TAC_BRAND)
    out = []
    for brand, value in sorted(kept, key=lambda kv: (-kv[1], kv[0])):
        note = (f"Canalys {period} shipment share {value} renormalised over brands with TACs "
                f"(sum {total:.3f}) - folded proportionally: {' '.join(folded)} and unnamed others")
        out.append((brand, fmt(value / total, 6), clean(note)))
    write_csv("handset_brand_shares.csv", ["brand", "share", "source"], out)


# ---------------------------------------------------------------------------
# MyKad, postcodes
# ---------------------------------------------------------------------------


def derive_mykad(src):
    rows = []
    for r in read_csv(src, "mykad_birthplace_codes.csv"):
        state = ""
        if r["category"] == "malaysia_state":
            state = int(r["iso"].removeprefix("MY-"))
            if not 1 <= state <= 16:
                fail(f"bad state in birthplace code {r['pb_code']}")
        rows.append((r["pb_code"], state, r["category"], clean(r["place"])))
    write_csv("mykad_birthplace_codes.csv", ["code", "state_code", "category", "place"], rows)


def derive_postcodes(src):
    rows = []
    for r in read_csv(src, "postcode_ranges_by_state.csv"):
        lo, hi = r["postcode_from"], r["postcode_to"]
        if not (re.fullmatch(r"\d{5}", lo) and re.fullmatch(r"\d{5}", hi) and lo <= hi):
            fail(f"bad postcode range {lo}-{hi}")
        rows.append((int(r["iso_3166_2"].removeprefix("MY-")), lo, hi))
    rows.sort()
    write_csv("postcode_ranges.csv", ["state_code", "from", "to"], rows)


# ---------------------------------------------------------------------------
# Names and address parts -> Rust source
# ---------------------------------------------------------------------------


def unique(values):
    return list(OrderedDict.fromkeys(v for v in values))


def weighted_unique(pairs):
    weights = OrderedDict()
    for value, weight in pairs:
        weights[value] = weights.get(value, 0) + weight
    return list(weights.items())


def rust_str(s):
    if any(c in s for c in '\\"\n\r'):
        fail(f"unexpected character in {s!r}")
    return f'"{s}"'


def rust_list(name, doc, values):
    if not values:
        fail(f"{name} is empty")
    body = "".join(f"    {rust_str(v)},\n" for v in values)
    return f"/// {doc}\npub(crate) const {name}: &[&str] = &[\n{body}];\n"


def rust_weights(name, doc, values):
    body = "".join(f"    {v},\n" for v in values)
    return f"/// {doc}\npub(crate) const {name}: &[u32] = &[\n{body}];\n"


def derive_names(src):
    people = read_csv(src, "person_name_components.csv")
    address = read_csv(src, "address_components.csv")

    def names(community, component):
        return unique(clean(r["value"]) for r in people if r["community"] == community and r["component"] == component)

    ranked = sorted((int(r["rank"]), clean(r["value"])) for r in people
                    if r["community"] == "Chinese" and r["component"] == "surname" and r["rank"])
    surnames = unique([v for _, v in ranked] + names("Chinese", "surname"))

    def parts(component):
        return [r for r in address if r["component"] == component]

    def weighted(component):
        pairs = [("" if r["value"].strip() == "(none)" else clean(r["value"]), int(r["weight"] or 1))
                 for r in parts(component)]
        return weighted_unique(pairs)

    towns = [clean(r["value"]) for r in sorted(parts("city_or_district"),
                                               key=lambda r: int(r["weighting"].removeprefix("list_order_")))]
    street = weighted("street_prefix")
    township = weighted("township_prefix")
    building = weighted("building_prefix")

    out = [
        "// @generated by generator/data/derive.py from the shared files person_name_components.csv\n"
        "// and address_components.csv. Do not edit: change the script and rerun it.\n"
        "//\n"
        "// Name and address lists from Faker (Python Faker joke2k/faker and Ruby Faker\n"
        "// faker-ruby/faker), (c) Faker contributors, MIT licence. The order of the first ten\n"
        "// Chinese surnames is a published popularity rank (a fact; see generator/data/README.md).\n"
        "// None of these lists carries population frequencies.\n",
        rust_list("MALAY_GIVEN_MALE", "Malay male given names.", names("Malay", "given_male")),
        rust_list("MALAY_GIVEN_FEMALE", "Malay female given names.", names("Malay", "given_female")),
        rust_list("MALAY_TITLES_MALE", "Malay honorifics and titles for men (En., Dato', ...).",
                  names("Malay", "title_male")),
        rust_list("MALAY_TITLES_FEMALE", "Malay honorifics and titles for women (Pn., Cik., ...).",
                  names("Malay", "title_female")),
        rust_list("CHINESE_SURNAMES",
                  "Chinese surnames in Malaysian romanisation; the first ten in published popularity order.",
                  surnames),
        rust_list("CHINESE_GIVEN_SYLLABLES", "Syllables of Chinese given names, most frequent in the source list first.",
                  names("Chinese", "given_name_syllable")),
        rust_list("CHINESE_GIVEN_MALE", "Complete two-syllable Chinese male given names.",
                  names("Chinese", "given_male_two_syllable")),
        rust_list("CHINESE_GIVEN_FEMALE", "Complete two-syllable Chinese female given names.",
                  names("Chinese", "given_female_two_syllable")),
        rust_list("INDIAN_GIVEN_MALE", "Indian male given names (pan-Indian list).", names("Indian", "given_male")),
        rust_list("INDIAN_GIVEN_FEMALE", "Indian female given names (pan-Indian list).",
                  names("Indian", "given_female")),
        rust_list("STREET_PREFIXES", "Street prefixes (Jalan, Lorong, Persiaran, ...).", [v for v, _ in street]),
        rust_weights("STREET_PREFIX_WEIGHTS",
                     "Weights of [`STREET_PREFIXES`]: repetitions in Faker's lists, not measurements.",
                     [w for _, w in street]),
        rust_list("TOWNSHIP_PREFIXES", "Township prefixes (Taman, Bandar, Kampung, ...).", [v for v, _ in township]),
        rust_weights("TOWNSHIP_PREFIX_WEIGHTS",
                     "Weights of [`TOWNSHIP_PREFIXES`]: repetitions in Faker's lists, not measurements.",
                     [w for _, w in township]),
        rust_list("TOWNSHIP_SUFFIXES", "Township name suffixes (Jaya, Indah, Utama, ...).",
                  unique(clean(r["value"]) for r in parts("township_suffix"))),
        rust_list("SECTION_ABBREVIATIONS", "Section abbreviations used in street names (SS, PJU, USJ, ...).",
                  unique(clean(r["value"]) for r in parts("section_abbrev"))),
        rust_list("BUILDING_PREFIXES", "Prefixes of the house number; the empty string means none.",
                  [v for v, _ in building]),
        rust_weights("BUILDING_PREFIX_WEIGHTS",
                     "Weights of [`BUILDING_PREFIXES`]: repetitions in Faker's lists, not measurements.",
                     [w for _, w in building]),
        rust_list("TOWNS", "Towns and districts, roughly largest first (source order).", unique(towns)),
    ]
    write_text(NAMES_RS, "\n".join(out))


# ---------------------------------------------------------------------------
# Calendar: public and school holidays of 2025
# ---------------------------------------------------------------------------


def state_codes_by_name(src):
    """State name (census spelling, and the python-holidays spelling of the federal
    territories) -> DOSM code."""
    codes = {}
    for r in read_csv(src, "states.csv"):
        code = int(r["code_state"])
        codes[r["state"]] = code
        if r["state"].startswith("W.P. "):
            codes["Wilayah Persekutuan " + r["state"].removeprefix("W.P. ")] = code
    return codes


def state_list(codes):
    return " ".join(str(c) for c in sorted(codes))


def derive_public_holidays(src):
    names = state_codes_by_name(src)
    all_states = sorted(set(names.values()))
    rows = []
    for r in read_csv(src, "public_holidays_2025.csv"):
        if r["scope"] == "national":
            if r["subdivision_codes"].strip():
                fail(f"national holiday {r['date']} lists subdivisions")
            codes = all_states
        else:
            codes = sorted(int(c) for c in r["subdivision_codes"].split(";"))
            by_name = sorted(names[n] for n in r["subdivision_names"].split(";"))
            if codes != by_name or not set(codes) <= set(all_states):
                fail(f"holiday {r['date']} {r['holiday_name']}: codes {codes} do not match names {by_name}")
        if not re.fullmatch(r"2025-\d{2}-\d{2}", r["date"]):
            fail(f"bad holiday date {r['date']}")
        rows.append((r["date"], state_list(codes), clean(r["holiday_name"])))
    rows.sort(key=lambda row: row[0])
    write_csv("public_holidays_2025.csv", ["date", "states", "name"], rows)


def derive_school_holidays(src):
    """School breaks per state. A row of group Kumpulan A or B applies to the states of that
    group in its session (states.csv school_group_<session>); a row without a definite group
    applies to every state, ending at the latest on the day before the state's next session
    starts (the start of its group in that session)."""
    states = read_csv(src, "states.csv")
    names = state_codes_by_name(src)
    rows = read_csv(src, "school_holidays_2025.csv")

    def group_of(state, session):
        return state["school_group_" + session.replace("/", "_")]

    def group_letter(text):
        m = re.fullmatch(r"Kumpulan ([AB])", text.strip())
        return m.group(1) if m else None

    starts = {}  # (session, group letter) -> first school day
    for r in rows:
        if r["period_type"].startswith("session_start"):
            starts[(r["session"], group_letter(r["group"]))] = r["start_date"]
    out = []
    for r in rows:
        if not r["end_date"]:
            continue
        kind = r["period_type"].split(" ")[0]
        start, end = r["start_date"], r["end_date"]
        if start > end:
            fail(f"school holiday {kind} ends before it starts")
        letter = group_letter(r["group"])
        if letter is not None:
            codes = sorted(int(s["code_state"]) for s in states if group_of(s, r["session"]) == letter)
            listed = [n for n in r["states"].split(";") if n in names]
            if listed and sorted(names[n] for n in listed) != codes:
                fail(f"school holiday {kind} {r['group']}: listed states do not match states.csv")
            out.append((start, end, kind, state_list(codes)))
            continue
        ends = defaultdict(list)
        for s in states:
            later = sorted((first, session) for (session, g), first in starts.items()
                           if first > start and g == group_of(s, session))
            last = end
            if later:
                first = later[0][0]
                day_before = (date.fromisoformat(first) - timedelta(days=1)).isoformat()
                last = min(end, day_before)
            ends[last].append(int(s["code_state"]))
        for last, codes in sorted(ends.items()):
            out.append((start, last, kind, state_list(codes)))
    out.sort()
    write_csv("school_holidays_2025.csv", ["start", "end", "kind", "states"], out)


# ---------------------------------------------------------------------------
# Inbound visitors: origins, entry states, entry points, attractions, home networks
# ---------------------------------------------------------------------------

# Arrival year used for the origin mix and the entry states (the latest in the shared data;
# it covers January to October).
ARRIVALS_YEAR = "2024"
# Nationalities kept: at least this share of the year's foreign arrivals; the rest are folded
# into the kept ones in proportion.
MIN_ORIGIN_SHARE = 0.0025
# ITU-T E.164 country calling codes of the kept nationalities (facts; the shared data has none).
CALLING_CODES = {
    "SGP": "65", "IDN": "62", "CHN": "86", "THA": "66", "BRN": "673", "IND": "91", "PHL": "63",
    "KOR": "82", "TWN": "886", "AUS": "61", "GBR": "44", "VNM": "84", "JPN": "81", "BGD": "880",
    "USA": "1", "FRA": "33", "MMR": "95", "DEU": "49", "PAK": "92", "RUS": "7", "NPL": "977",
    "NLD": "31", "CAN": "1",
}
# The neighbouring country each land checkpoint and ferry terminal connects to (from the
# entry points' names in the shared file); airports and the cruise terminal connect anywhere.
CROSSING_COUNTRY = {
    "L01": "SGP", "L02": "SGP", "L03": "THA", "L04": "THA", "L05": "THA", "L06": "BRN",
    "L07": "IDN", "F01": "IDN",
}


def derive_inbound(src):
    names = state_codes_by_name(src)
    year = [r for r in read_csv(src, "foreign_arrivals_by_country_year.csv") if r["year"] == ARRIVALS_YEAR]
    total = sum(int(r["arrivals"]) for r in year)
    kept = sorted((r for r in year if int(r["arrivals"]) >= MIN_ORIGIN_SHARE * total),
                  key=lambda r: (-int(r["arrivals"]), r["country_iso3"]))
    kept_total = sum(int(r["arrivals"]) for r in kept)
    missing = [r["country_iso3"] for r in kept if r["country_iso3"] not in CALLING_CODES]
    if missing:
        fail(f"no calling code for {missing}")
    print(f"  inbound origins: {len(kept)} nationalities, {kept_total / total:.4f} of {ARRIVALS_YEAR} arrivals")
    write_csv("inbound_origins.csv", ["iso3", "name", "calling_code", "share", "arrivals"], [
        (r["country_iso3"], clean(r["country_name"]), CALLING_CODES[r["country_iso3"]],
         fmt(int(r["arrivals"]) / kept_total, 6), r["arrivals"]) for r in kept])

    points = read_csv(src, "tourism_poi_and_entry_points.csv")
    entry = [p for p in points if p["poi_type"] in ("airport", "land_checkpoint", "ferry_terminal")]
    entry_states = {names[p["immigration_state_of_entry"]] for p in entry}
    kept_codes = {r["country_iso3"] for r in kept}
    per_origin = defaultdict(lambda: defaultdict(int))
    for r in read_csv(src, "foreign_arrivals_soe_monthly_2020_2024.csv"):
        if r["date"].startswith(ARRIVALS_YEAR) and r["country_iso3"] in kept_codes:
            per_origin[r["country_iso3"]][names[r["state_of_entry"]]] += int(r["arrivals"])
    rows = []
    dropped = defaultdict(int)
    for r in kept:
        states = per_origin[r["country_iso3"]]
        usable = {s: n for s, n in states.items() if s in entry_states and n > 0}
        for s, n in states.items():
            if s not in entry_states:
                dropped[s] += n
        n_total = sum(usable.values())
        rows.extend((r["country_iso3"], s, fmt(n / n_total, 6)) for s, n in sorted(usable.items()))
    print(f"  entry states without a listed entry point, folded: {dict(sorted(dropped.items()))}")
    write_csv("inbound_entry_states.csv", ["iso3", "state_code", "share"], rows)

    out = []
    for p in entry:
        crossing = CROSSING_COUNTRY.get(p["poi_id"], "")
        if p["poi_type"] == "land_checkpoint" and not crossing:
            fail(f"land checkpoint {p['poi_id']} has no neighbouring country")
        out.append((p["poi_id"], p["poi_type"], clean(p["name"]), names[p["immigration_state_of_entry"]],
                    p["code_state_district"], fmt(float(p["lat"]), 4), fmt(float(p["lon"]), 4),
                    p["iata_or_code"], crossing))
    write_csv("entry_points.csv", ["id", "kind", "name", "state_code", "district_code", "lat", "lon",
                                   "iata", "crossing_country"], out)
    write_csv("attractions.csv", ["id", "name", "district_code", "lat", "lon"], [
        (p["poi_id"], clean(p["name"]), p["code_state_district"], fmt(float(p["lat"]), 4),
         fmt(float(p["lon"]), 4)) for p in points if p["poi_type"] == "attraction"])

    # Visitors' home networks, and the networks residents roam on abroad (Saudi Arabia for
    # Umrah is not a visitors' country).
    roaming_codes = kept_codes | {"SAU"}
    plmns = []
    for r in read_csv(src, "mcc_mnc_world.csv"):
        if r["country_iso3"] in roaming_codes and r["status"] == "Operational" and r["type"] == "National":
            brand = clean(r["brand"]) or clean(r["operator"]) or "unknown"
            plmns.append((r["country_iso3"], r["mcc"], r["mnc"], brand))
    without = sorted(roaming_codes - {p[0] for p in plmns})
    if without:
        fail(f"no operational network for {without}")
    plmns.sort(key=lambda p: (p[0], p[1], p[2]))
    write_csv("roaming_plmns.csv", ["iso3", "mcc", "mnc", "brand"], plmns)


def main():
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT.parent / "shared" / "data" / "malaysia"
    src = src.resolve()
    if not (src / "README.md").is_file():
        fail(f"shared data directory not found: {src}")
    derive_states(src)
    official_area = derive_districts(src)
    derive_boundaries(src, official_area)
    derive_operators(src)
    derive_prefixes(src)
    derive_handsets(src)
    derive_mykad(src)
    derive_postcodes(src)
    derive_names(src)
    derive_public_holidays(src)
    derive_school_holidays(src)
    derive_inbound(src)


if __name__ == "__main__":
    main()
