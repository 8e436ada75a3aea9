//! `report.html`: one self-contained page — the leaderboard and three charts drawn with plotters'
//! SVG backend and embedded inline (no script, no style sheet or font from elsewhere): utility
//! against risk, per-indicator errors, unicity against the number of known points.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::leaderboard::Entry;
use crate::report::{BenchReport, Outcome};
use crate::runner::Sandbox;

/// Chart size in pixels.
const WIDTH: u32 = 860;

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colour of the pipeline at `index` in the run's order (the same in every chart).
fn colour(index: usize) -> RGBColor {
    let c = Palette99::pick(index).to_rgba();
    RGBColor(c.0, c.1, c.2)
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
            scatter(board, &index),
        ),
        (
            "indicator-errors",
            "Per-indicator loss against the raw view (mean of the median and 90th-percentile errors, missing and spurious cells and small areas, each capped at 1) of the part of the release scored; 1 = lost.",
            bars(board, &index),
        ),
        (
            "unicity",
            "Unicity against p (equal lines drawn one on top of the other, earlier ones wider): share of targets whose p known points match exactly one released pseudonym (microdata releases).",
            lines(board, &index),
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

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Utility (y) against risk (x).
fn scatter(board: &[Entry], index: &dyn Fn(&str) -> usize) -> Result<String, String> {
    let points: Vec<(&Entry, f64, f64)> = board
        .iter()
        .filter_map(|e| Some((e, e.risk?, e.utility?)))
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Utility against risk", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.02f64..1.05, -0.02f64..1.05)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 15))
            .x_desc("risk (highest normalised attack risk)")
            .y_desc("utility")
            .draw()
            .map_err(err)?;
        let n = points.len();
        for (i, (e, risk, utility)) in points.iter().enumerate() {
            let c = colour(index(&e.pipeline));
            let r = 4 + 2 * (n - 1 - i) as i32;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (*risk, *utility),
                    r,
                    c.filled(),
                )))
                .map_err(err)?
                .label(e.pipeline.clone())
                .legend(move |(x, y)| Circle::new((x, y), 5, c.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Horizontal bars: per indicator, one bar per pipeline.
fn bars(board: &[Entry], index: &dyn Fn(&str) -> usize) -> Result<String, String> {
    let shown: Vec<&Entry> = board
        .iter()
        .filter(|e| !e.indicator_errors.is_empty())
        .collect();
    let mut indicators: Vec<&str> = shown
        .iter()
        .flat_map(|e| e.indicator_errors.keys().map(String::as_str))
        .collect();
    indicators.sort_unstable();
    indicators.dedup();
    let rows = indicators.len().max(1);
    let height = 80 + (rows * (shown.len().max(1) * 9 + 14)) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Per-indicator error", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(150)
            .build_cartesian_2d(0f64..1.5, 0f64..rows as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 15))
            .disable_y_mesh()
            .y_labels(rows + 1)
            .y_label_formatter(&|_| String::new())
            .x_labels(16)
            .x_label_formatter(&|x| {
                if *x <= 1.0 + 1e-9 {
                    format!("{x:.1}")
                } else {
                    String::new()
                }
            })
            .x_desc("indicator loss against the raw view")
            .draw()
            .map_err(err)?;
        let k = shown.len().max(1) as f64;
        for (j, e) in shown.iter().enumerate() {
            let c = colour(index(&e.pipeline));
            let rects = indicators.iter().enumerate().filter_map(|(i, ind)| {
                let v = *e.indicator_errors.get(*ind)?;
                // Row i from the top: y from rows − i − 1 (bottom) to rows − i (top).
                let top = (rows - i) as f64 - 0.1 - j as f64 * 0.8 / k;
                Some(Rectangle::new(
                    [(0.0, top - 0.8 / k), (v.max(0.004), top)],
                    c.filled(),
                ))
            });
            chart
                .draw_series(rects)
                .map_err(err)?
                .label(e.pipeline.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], c.filled()));
        }
        let style = ("sans-serif", 16)
            .into_text_style(&root)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (i, ind) in indicators.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, (rows - i) as f64 - 0.5));
            root.draw(&Text::new(ind.to_string(), (x - 8, y), style.clone()))
                .map_err(err)?;
        }
        // The legend sits right of 1, where no error is drawn.
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Unicity attack rate against p, one line per pipeline with microdata.
fn lines(board: &[Entry], index: &dyn Fn(&str) -> usize) -> Result<String, String> {
    let shown: Vec<&Entry> = board.iter().filter(|e| !e.unicity.is_empty()).collect();
    let max_p = shown
        .iter()
        .flat_map(|e| e.unicity.keys().copied())
        .max()
        .unwrap_or(5);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let caption = if shown.is_empty() {
            "Unicity against p (no microdata release was assessed)"
        } else {
            "Unicity against p"
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.8f64..max_p as f64 + 0.2, -0.02f64..1.05)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 15))
            .x_labels(max_p as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("p (known points)")
            .y_desc("unicity (attack rate)")
            .draw()
            .map_err(err)?;
        let n = shown.len();
        for (i, e) in shown.iter().enumerate() {
            let c = colour(index(&e.pipeline));
            let pts: Vec<(f64, f64)> = e.unicity.iter().map(|(p, r)| (*p as f64, *r)).collect();
            // Earlier lines wider, so that equal lines stay visible under later ones.
            let width = 2 + 3 * (n - 1 - i) as u32;
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(width)))
                .map_err(err)?
                .label(e.pipeline.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2))
                });
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))
                .map_err(err)?;
        }
        if !shown.is_empty() {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
