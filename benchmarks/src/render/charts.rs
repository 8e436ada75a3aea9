//! The charts of `report.html`, drawn as SVG with plotters' SVG backend (text as `<text>`, no
//! font files): utility against risk, per-indicator errors, unicity against the number of known
//! points.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::Entry;

/// Chart size in pixels.
const WIDTH: u32 = 860;

/// The colour of the pipeline at `index` in the run's order (the same in every chart).
pub(super) fn colour(index: usize) -> RGBColor {
    let c = Palette99::pick(index).to_rgba();
    RGBColor(c.0, c.1, c.2)
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Utility (y) against risk (x).
pub(super) fn scatter(board: &[Entry], index: &dyn Fn(&str) -> usize) -> Result<String, String> {
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
pub(super) fn bars(board: &[Entry], index: &dyn Fn(&str) -> usize) -> Result<String, String> {
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
pub(super) fn lines(board: &[Entry], index: &dyn Fn(&str) -> usize) -> Result<String, String> {
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
