"""Reduces bench reports to the figures of DENSITY.md and draws its chart (no dependencies).

  summarise.py reduce REPORT.json SCALE SECONDS  > results/SCALE.json
  summarise.py summarise RESULTS_DIR OUT_DIR      (writes summary.csv, summary.md, density.svg)
"""
import csv
import json
import os
import sys

RELEASES = ["identity", "cell-hour", "rotating-pseudonyms"]
POINTS = [1, 2, 3, 4, 5]


def reduce(report_path, scale, seconds):
    report = json.load(open(report_path))
    out = {"scale": float(scale), "bench_and_generate_s": int(seconds), "density": report["density"], "pipelines": {}}
    board = {e["pipeline"]: e for e in report["leaderboard"]}
    for p in report["pipelines"]:
        name = p["name"]
        entry = {"utility": board.get(name, {}).get("utility"), "risk": board.get(name, {}).get("risk")}
        outcome = p["outcome"]
        if outcome["status"] == "scored":
            risk = (outcome["risk"] or {}).get("report") or {}
            for attack in ("unicity", "linkage"):
                entry[attack] = {str(r["p"]): r["attack_rate"]["rate"] for r in risk.get(attack, [])}
        out["pipelines"][name] = entry
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


def load(results_dir):
    runs = []
    for name in os.listdir(results_dir):
        if name.endswith(".json"):
            runs.append(json.load(open(os.path.join(results_dir, name))))
    return sorted(runs, key=lambda r: r["scale"])


def fmt(v, digits=3):
    return "—" if v is None else f"{v:.{digits}f}"


def summarise(results_dir, out_dir):
    runs = load(results_dir)
    rows = []
    for r in runs:
        d = r["density"]
        row = {
            "scale": r["scale"],
            "persons": d["scenario_persons"],
            "subscribers_per_cell": round(d["subscribers_per_cell"], 2),
            "district_hour_median": d["district_hour_median"],
            "cell_hour_median": d["cell_hour_median"],
            "district_hours_below_5": round(d["district_hours_below"][0][1], 4),
            "district_hours_below_15": round(d["district_hours_below"][1][1], 4),
            "cell_hours_below_5": round(d["cell_hours_below"][0][1], 4),
            "cell_hours_below_15": round(d["cell_hours_below"][1][1], 4),
            "k_suppressed_utility": r["pipelines"].get("k-suppressed-aggregates", {}).get("utility"),
            "bench_and_generate_s": r["bench_and_generate_s"],
        }
        for name in RELEASES:
            p = r["pipelines"].get(name, {})
            for attack in ("unicity", "linkage"):
                for k in POINTS:
                    row[f"{name}_{attack}_p{k}"] = (p.get(attack) or {}).get(str(k))
        rows.append(row)
    with open(os.path.join(out_dir, "results", "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    md = []
    md.append("| scale | persons | subscribers per cell | median subscribers per district-hour / active cell-hour | district-hours < 5 / < 15 | active cell-hours < 5 / < 15 | k-suppressed utility |")
    md.append("|---|---|---|---|---|---|---|")
    for r in rows:
        md.append(
            f"| {r['scale']} | {r['persons']} | {r['subscribers_per_cell']} | {r['district_hour_median']:.0f} / {r['cell_hour_median']:.0f} "
            f"| {100 * r['district_hours_below_5']:.1f} % / {100 * r['district_hours_below_15']:.1f} % "
            f"| {100 * r['cell_hours_below_5']:.1f} % / {100 * r['cell_hours_below_15']:.1f} % | {fmt(r['k_suppressed_utility'])} |"
        )
    md.append("")
    md.append("| scale | release | attack | p = 1 | p = 2 | p = 3 | p = 4 | p = 5 |")
    md.append("|---|---|---|---|---|---|---|---|")
    for r in rows:
        for name in RELEASES:
            for attack in ("unicity", "linkage"):
                vals = " | ".join(fmt(r[f"{name}_{attack}_p{k}"]) for k in POINTS)
                md.append(f"| {r['scale']} | {name} | {attack} | {vals} |")
    open(os.path.join(out_dir, "results", "summary.md"), "w").write("\n".join(md) + "\n")
    open(os.path.join(out_dir, "density.svg"), "w").write(chart(rows))


def chart(rows):
    """Unicity and linkage against known points, one line per scale and release."""
    w, h, left, top, pw, ph = 1240, 360, 60, 30, 300, 260
    colours = {0.01: "#d62728", 0.1: "#ff7f0e", 1.0: "#1f77b4"}
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">']
    panels = [
        ("identity (cell, second): unicity", "identity_unicity"),
        ("cell-hour pseudonyms: unicity", "cell-hour_unicity"),
        ("cell-hour pseudonyms: linkage", "cell-hour_linkage"),
    ]
    for i, (title, key) in enumerate(panels):
        x0 = left + i * (pw + 80)
        svg.append(f'<text x="{x0 + pw / 2}" y="18" text-anchor="middle">{title}</text>')
        svg.append(f'<rect x="{x0}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>')
        for t in (0, 0.25, 0.5, 0.75, 1.0):
            y = top + ph * (1 - t)
            svg.append(f'<line x1="{x0 - 4}" y1="{y}" x2="{x0}" y2="{y}" stroke="#888"/>')
            svg.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end">{t:.2f}</text>')
        for k in POINTS:
            x = x0 + pw * (k - 1) / 4
            svg.append(f'<text x="{x}" y="{top + ph + 16}" text-anchor="middle">{k}</text>')
        svg.append(f'<text x="{x0 + pw / 2}" y="{top + ph + 32}" text-anchor="middle">known points p</text>')
        for r in rows:
            pts = [(x0 + pw * (k - 1) / 4, top + ph * (1 - r[f"{key}_p{k}"])) for k in POINTS if r.get(f"{key}_p{k}") is not None]
            if pts:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
                c = colours.get(r["scale"], "#333")
                svg.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
    for j, r in enumerate(rows):
        c = colours.get(r["scale"], "#333")
        svg.append(f'<rect x="{w - 110}" y="{40 + 18 * j}" width="12" height="12" fill="{c}"/>')
        svg.append(f'<text x="{w - 92}" y="{50 + 18 * j}">scale {r["scale"]}</text>')
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


if __name__ == "__main__":
    if sys.argv[1] == "reduce":
        reduce(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "summarise":
        summarise(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
