//! `report.html`: one self-contained page — the leaderboard and the three [`charts`] embedded
//! inline (no script, no style sheet or font from elsewhere).

use std::fmt::Write as _;

use plotters::style::RGBColor;

use super::charts::{self, colour};
use crate::report::{BenchReport, Entry, Outcome};
use crate::runner::Sandbox;

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page.
pub fn html(report: &BenchReport, board: &[Entry]) -> String {
    let order: Vec<&str> = report.pipelines.iter().map(|p| p.name.as_str()).collect();
    let index = |name: &str| order.iter().position(|n| *n == name).unwrap_or(0);
    let mut h = String::new();
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>telcosynth benchmark</title>\n<style>\n\
         body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }\n\
         table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }\n\
         th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }\n\
         td.num { text-align: right; font-variant-numeric: tabular-nums; }\n\
         .swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.4rem; vertical-align: middle; }\n\
         figure { margin: 1.5rem 0; } figcaption { font-size: 0.9rem; color: #555; }\n\
         </style>\n</head>\n<body>\n<h1>telcosynth benchmark</h1>\n",
    );
    let _ = writeln!(
        h,
        "<p>Dataset <code>{}</code> (scenario <code>{}</code>, seed {}, {} to {}); operator view of \
         <strong>{}</strong> ({} subscribers). Harness: {}.</p>",
        esc(&report.dataset.path),
        esc(&report.dataset.scenario),
        report.dataset.seed,
        report.period.start,
        report.period.end,
        esc(&report.target.name),
        report.target.subscribers,
        esc(&report.tool),
    );
    let _ = match &report.sandbox {
        Sandbox::Bubblewrap { program } => writeln!(
            h,
            "<p>Sandbox: bubblewrap (<code>{}</code>): no network, input read-only, nothing \
             else of the file system but the system's programs.</p>",
            esc(&program.display().to_string())
        ),
        Sandbox::None { reason } => writeln!(
            h,
            "<p>Sandbox: <strong>none</strong> — no sandbox ({}): pipelines ran as the \
             harness's user and could read anything it can; {} (a pipeline that opens it \
             fails).</p>",
            esc(reason),
            esc(&report.truth_watch)
        ),
    };
    h.push_str("<h2>Density of the view</h2>\n");
    if let Some(w) = &report.density.warning {
        let _ = writeln!(h, "<p><strong>{}</strong></p>", esc(w));
    }
    h.push_str("<table>\n");
    for (name, value) in report.density.figures() {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(name), esc(&value));
    }
    h.push_str("</table>\n");
    h.push_str("<h2>Leaderboard</h2>\n<p>Utility: 1 − the mean over indicators of each indicator's loss against the raw view (median and 90th-percentile relative errors, missing and spurious cells, small areas); an indicator the release lacks counts as lost. Risk: the highest normalised risk (clamped to [0, 1]) over every attack that ran, trajectory recovery and membership inference included; an attack is named only when it beat its baseline. Score: utility × (1 − risk), higher is better. Definitions in <code>benchmarks/RISK.md</code>; every figure in <code>report.md</code> and <code>report.json</code>.</p>\n");
    h.push_str("<table>\n<tr><th>rank</th><th>pipeline</th><th>utility</th><th>risk</th><th>worst attack</th><th>score</th><th>utility from</th></tr>\n");
    let num = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.3}"));
    for e in board {
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td><span class=\"swatch\" style=\"background:#{}\"></span>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            e.rank.map_or("—".to_owned(), |r| r.to_string()),
            hex(colour(index(&e.pipeline))),
            esc(&e.pipeline),
            num(e.utility),
            num(e.risk),
            esc(e.risk_attack.as_deref().unwrap_or(if e.scored {
                "none above its baseline"
            } else {
                "failed"
            })),
            num(e.score),
            e.part.as_deref().unwrap_or("—"),
        );
    }
    h.push_str("</table>\n");
    let charts: [(&str, &str, Result<String, String>); 3] = [
        (
            "utility-risk",
            "Utility against risk, one point per scored pipeline (top left is best; points of equal value are drawn as rings of decreasing size).",
            charts::scatter(board, &index),
        ),
        (
            "indicator-errors",
            "Per-indicator loss against the raw view (mean of the median and 90th-percentile errors, missing and spurious cells and small areas, each capped at 1) of the part of the release scored; 1 = lost.",
            charts::bars(board, &index),
        ),
        (
            "unicity",
            "Unicity against p (equal lines drawn one on top of the other, earlier ones wider): share of targets whose p known points match exactly one released pseudonym (microdata releases).",
            charts::lines(board, &index),
        ),
    ];
    for (id, caption, svg) in charts {
        let _ = writeln!(h, "<figure id=\"{id}\">");
        match svg {
            Ok(svg) => h.push_str(&svg),
            Err(e) => {
                let _ = write!(h, "<p>chart not drawn: {}</p>", esc(&e));
            }
        }
        let _ = writeln!(h, "\n<figcaption>{}</figcaption>\n</figure>", esc(caption));
    }
    let failed: Vec<_> = report
        .pipelines
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Failed(f) => Some((p, f)),
            Outcome::Scored(_) => None,
        })
        .collect();
    if !failed.is_empty() {
        h.push_str("<h2>Failures</h2>\n<ul>\n");
        for (p, f) in failed {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong>: {}</li>",
                esc(&p.name),
                esc(&f.reason)
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<h2>Time and memory per stage</h2>\n<table>\n<tr><th>stage</th><th>wall (s)</th><th>CPU (s)</th><th>pipeline CPU (s)</th><th>peak memory (MiB)</th></tr>\n");
    for r in &report.stages {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td><td class=\"num\">{}</td></tr>",
            esc(&r.name),
            r.wall_s,
            r.cpu_s,
            r.children_cpu_s,
            r.peak_rss_mib.map_or("—".to_owned(), |m| format!("{m:.0}")),
        );
    }
    h.push_str("</table>\n</body>\n</html>\n");
    h
}

fn hex(c: RGBColor) -> String {
    format!("{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
