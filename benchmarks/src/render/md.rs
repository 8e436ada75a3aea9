//! `report.md`: the readable report, every figure of `report.json` in tables.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::leaderboard::{AttackFigures, attacks};
use crate::report::{BenchReport, Outcome, RiskSection, Scored, Utility};
use crate::risk::RiskReport;
use crate::runner::Sandbox;
use crate::stages;
use crate::utility::{Score, Subset};

/// The readable report.
pub fn markdown(report: &BenchReport) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# telcosynth benchmark\n");
    let _ = writeln!(
        md,
        "Dataset `{}` (scenario `{}`, seed {}, {} to {}); operator view of **{}** ({} subscribers, cells of {}). Harness: {}.\n",
        report.dataset.path,
        report.dataset.scenario,
        report.dataset.seed,
        report.period.start,
        report.period.end,
        report.target.name,
        report.target.subscribers,
        report.target.network_name,
        report.tool,
    );
    let _ = match &report.sandbox {
        Sandbox::Bubblewrap { program } => writeln!(
            md,
            "Sandbox: bubblewrap (`{}`): no network, input read-only, nothing else of the file system but the system's programs.\n",
            program.display()
        ),
        Sandbox::None { reason } => writeln!(
            md,
            "Sandbox: **none** — no sandbox ({reason}): pipelines ran as the harness's user and could read anything it can; {} (a pipeline that opens it fails).\n",
            report.truth_watch
        ),
    };
    let _ = writeln!(
        md,
        "Limits: {} s wall clock, {} MiB address space per pipeline. Input and reference indicators prepared in {:.1} s.\n",
        report.limits.timeout.as_secs(),
        report.limits.memory_mib,
        report.prepare_s
    );
    md.push_str("## Density of the view\n\n");
    md.push_str(&report.density.markdown());
    md.push('\n');
    md.push_str("## Leaderboard\n\n");
    md.push_str("**Utility**: 1 − the mean over the raw view's indicators of each indicator's loss against the raw view — the mean of min(1, median relative error), min(1, 90th percentile), the share of missing and spurious cells and the worst small-area (rural, small-country) median — from the release's aggregates or microdata (the better); an indicator the release lacks or publishes without rows counts as lost. **Risk**: the highest normalised risk, clamped to [0, 1], over every attack that ran (person-level attacks, the leaked register, the trajectory recovery, membership inference's advantage), named only when it beat its baseline. **Reconstruction**: the trajectory recovery's normalised risk on aggregates (part of the risk, shown alone). **Score**: utility × (1 − risk); ranked by it (see RISK.md). Then, for each part of the release: the median over indicators of the median relative error against the raw view, the worst 90th percentile and the worst share of mass suppressed; and the attack furthest above its baseline.\n\n");
    md.push_str("| rank | pipeline | status | release | utility | risk | reconstruction | score | aggregates error | microdata error | worst attack | time (s) |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    let num = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.3}"));
    for e in &report.leaderboard {
        let Some(p) = report.pipelines.iter().find(|p| p.name == e.pipeline) else {
            continue;
        };
        let (status, release, agg, micro, risk) = match &p.outcome {
            Outcome::Failed(f) => (
                "failed".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                first_line(&f.reason),
            ),
            Outcome::Scored(s) => (
                "scored".to_owned(),
                format!(
                    "{:?}, {:?}, {} s",
                    s.manifest.kind, s.manifest.spatial_level, s.manifest.time_bin_s
                )
                .to_lowercase(),
                headline(s.aggregates.as_ref()),
                headline(s.microdata.as_ref()),
                worst_attack(&s.risk),
            ),
        };
        let risk_of = match (&e.risk, &e.risk_attack) {
            (Some(r), Some(a)) => format!("{r:.3} ({a})"),
            (r, _) => num(*r),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {status} | {release} | {} | {risk_of} | {} | {} | {agg} | {micro} | {risk} | {:.1} |",
            e.rank.map_or("—".to_owned(), |r| r.to_string()),
            p.name,
            num(e.utility),
            num(e.reconstruction),
            num(e.score),
            p.wall_s
        );
    }
    if report.raw_view.faults {
        md.push_str("\n**Data-quality faults**: this dataset's records carry the faults of its scenario's `[faults]` (listed in its truth table `faults`). Pipelines received the faulty view; every release is scored against the indicators of the clean view (the scenario regenerated without its faults), so the identity baseline's loss is the faulty view's own error against the clean one.\n");
    }
    md.push_str("\n## Raw operator view against the truth\n\n");
    md.push_str("What the operator's own records lose before any anonymisation (one operator's subscribers, events only when they use the phone).\n\n");
    if report.raw_view.faults {
        md.push_str("The view compared here is the faulty one pipelines received, with its data-quality faults: its error against the truth includes theirs.\n\n");
    }
    scores_table(&mut md, &report.raw_view.vs_truth);
    notes(&mut md, &report.raw_view.notes);
    for p in &report.pipelines {
        let _ = writeln!(
            md,
            "\n## Pipeline `{}`\n\nCommand: `{}`\n\nRelease size: {:.1} MiB (its run's time, CPU and peak memory: \
             \"Time and memory per stage\").\n",
            p.name,
            p.command,
            p.output_bytes as f64 / f64::from(1 << 20)
        );
        match &p.outcome {
            Outcome::Failed(f) => {
                let _ = writeln!(md, "**Failed**: {}\n", f.reason);
                if !f.stderr_tail.is_empty() {
                    let _ = writeln!(md, "Tail of stderr:\n\n```\n{}\n```", f.stderr_tail);
                }
            }
            Outcome::Scored(s) => scored(&mut md, s),
        }
    }
    md.push_str("\n## Time and memory per stage\n\n");
    md.push_str(&stages::markdown(&report.stages));
    md
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().replace('|', "/")
}

/// Median over indicators (all rows) of the median relative error against the raw view, and
/// the worst 90th percentile and suppressed mass share.
fn headline(u: Option<&Utility>) -> String {
    let Some(u) = u else {
        return "—".into();
    };
    let all: Vec<&Score> = u
        .vs_raw
        .iter()
        .filter(|s| s.subset == Subset::All)
        .collect();
    if all.is_empty() {
        return "n/a".into();
    }
    let mut medians: Vec<f64> = all.iter().map(|s| s.median_relative_error).collect();
    medians.sort_by(f64::total_cmp);
    let worst = |f: fn(&Score) -> f64| all.iter().map(|s| f(s)).fold(0.0, f64::max);
    format!(
        "{:.3}; worst p90 {:.3}, worst suppressed {:.3} ({} indicators)",
        medians[(medians.len() - 1) / 2],
        worst(|s| s.p90_relative_error),
        worst(|s| s.suppressed_mass_share),
        all.len()
    )
}

/// The attack furthest above its baseline (highest normalised risk), named only when it did
/// better than its baseline.
fn worst_attack(risk: &RiskSection) -> String {
    let all = attacks(risk);
    if all.is_empty() {
        return risk
            .note
            .clone()
            .unwrap_or_else(|| "no attack applied".into());
    }
    let best = all
        .iter()
        .filter(|a| a.4.is_some_and(|n| n > 0.0))
        .max_by(|a, b| {
            let n = |x: &AttackFigures| x.4.unwrap_or(0.0);
            n(a).total_cmp(&n(b)).then(b.0.cmp(&a.0))
        });
    let Some(best) = best else {
        return format!("none above its baseline ({} attacks)", all.len());
    };
    let p = best.1.map(|p| format!(" p={p}")).unwrap_or_default();
    format!(
        "{}{p}: {:.2} (baseline {:.2}), normalised {:.2}",
        best.0,
        best.2,
        best.3,
        best.4.unwrap_or(0.0)
    )
}

fn scored(md: &mut String, s: &Scored) {
    let m = &s.manifest;
    let _ = writeln!(
        md,
        "Release: {:?}, spatial level {:?}, time bin {} s, pseudonym columns [{}], suppression {}.",
        m.kind,
        m.spatial_level,
        m.time_bin_s,
        m.pseudonym_columns.join(", "),
        m.suppression
            .as_ref()
            .map_or("none".to_owned(), |s| format!(
                "k = {} ({:?})",
                s.k, s.marker
            )),
    );
    if let Some(c) = &m.privacy_claim {
        let _ = writeln!(
            md,
            "Privacy claim (recorded, not verified): {} ε = {:?}, δ = {:?}, unit {:?}.",
            c.mechanism, c.epsilon, c.delta, c.unit
        );
    }
    for (part, u) in [("Aggregates", &s.aggregates), ("Microdata", &s.microdata)] {
        let Some(u) = u else { continue };
        let _ = writeln!(md, "\n### {part}: utility against the raw view\n");
        scores_table(md, &u.vs_raw);
        let _ = writeln!(md, "\n### {part}: utility against the truth\n");
        scores_table(md, &u.vs_truth);
        notes(md, &u.notes);
    }
    if let Some(d) = &s.distributions {
        md.push_str("\n### Distributions (Jensen–Shannon distance, raw view vs release)\n\n| distribution | distance |\n|---|---|\n");
        for (name, v) in d {
            let v = v.map_or("n/a".to_owned(), |v| format!("{v:.3}"));
            let _ = writeln!(md, "| {name} | {v} |");
        }
    }
    md.push_str("\n### Re-identification risk\n\n");
    let all = attacks(&s.risk);
    if let Some(note) = &s.risk.note {
        let _ = writeln!(md, "{note}.");
    } else if all.is_empty() {
        md.push_str("No attack applied to this release.\n");
    } else {
        md.push_str("| attack | p | attack rate | baseline rate | normalised risk |\n|---|---|---|---|---|\n");
        for (name, p, rate, base, norm) in all {
            let p = p.map(|p| p.to_string()).unwrap_or_default();
            let norm = norm.map_or("—".to_owned(), |n| format!("{n:.3}"));
            let _ = writeln!(md, "| {name} | {p} | {rate:.3} | {base:.3} | {norm} |");
        }
    }
    if let Some(r) = s.risk.report.as_deref() {
        risk_details(md, r);
    }
}

/// The figures of the leaked register, quasi-identifier and membership assessments beside the
/// attack table, and the attacks skipped.
fn risk_details(md: &mut String, r: &RiskReport) {
    if let Some(l) = &r.leaked_register {
        let _ = writeln!(
            md,
            "\nLeaked register: compared [{}]{}, home from night-time activity; {:.1} candidate pseudonyms on average, {:.3} of targets with one.",
            l.compared_columns.join(", "),
            if l.tac { ", TAC" } else { "" },
            l.mean_candidates,
            l.unique_share.rate
        );
    }
    if let Some(q) = &r.quasi_identifiers {
        let _ = writeln!(
            md,
            "\nQuasi-identifiers [{}]: {} records in {} classes; prosecutor risk highest {:.3}, average {:.3}; journalist highest {:.3}, average {:.3}; marketer {:.3}; records in classes below k = 2, 5, 11: {}.",
            q.columns.join(", "),
            q.records,
            q.classes,
            q.prosecutor.highest,
            q.prosecutor.average,
            q.journalist.highest,
            q.journalist.average,
            q.marketer,
            q.records_in_classes_below
                .values()
                .map(|v| format!("{v:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(m) = &r.membership {
        let _ = writeln!(
            md,
            "\nMembership inference ({} members, {} non-members, {:.1} published cells per trace): AUC {:.3} [{:.3}, {:.3}], TPR at FPR 0.1 {:.3}, at FPR 0.01 {:.3}, advantage {:.3} [{:.3}, {:.3}].",
            m.members,
            m.non_members,
            m.mean_published_cells,
            m.auc.value,
            m.auc.ci95[0],
            m.auc.ci95[1],
            m.tpr_at_fpr_0_1.rate,
            m.tpr_at_fpr_0_01.rate,
            m.advantage.value,
            m.advantage.ci95[0],
            m.advantage.ci95[1]
        );
    }
    if !r.skipped.is_empty() {
        md.push_str("\nSkipped:\n\n");
        for reason in &r.skipped {
            let _ = writeln!(md, "- {reason}");
        }
    }
}

fn scores_table(md: &mut String, scores: &[Score]) {
    if scores.is_empty() {
        md.push_str("No indicator could be compared.\n");
        return;
    }
    md.push_str("| indicator | rows | median rel. error | p90 rel. error | MAE | Spearman | top-10 recall | suppressed mass | extra rows |\n|---|---|---|---|---|---|---|---|---|\n");
    for s in scores {
        let name = match s.subset {
            Subset::All => s.indicator.clone(),
            Subset::Rural => format!("{} (rural)", s.indicator),
            Subset::SmallCountries => format!("{} (small countries)", s.indicator),
        };
        let opt = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.3}"));
        let _ = writeln!(
            md,
            "| {name} | {} | {:.3} | {:.3} | {:.4} | {} | {} | {:.3} | {} |",
            s.rows,
            s.median_relative_error,
            s.p90_relative_error,
            s.mean_absolute_error,
            opt(s.spearman),
            opt(s.top10_recall),
            s.suppressed_mass_share,
            s.extra_rows
        );
    }
    for s in scores.iter().filter(|s| s.subset == Subset::All) {
        if let Some(cpc) = s.common_part_of_commuters {
            let _ = writeln!(
                md,
                "\nCommon part of commuters of `{}`: {cpc:.3}.",
                s.indicator
            );
        }
    }
}

fn notes(md: &mut String, notes: &BTreeMap<String, String>) {
    if notes.is_empty() {
        return;
    }
    md.push('\n');
    for (k, v) in notes {
        let _ = writeln!(md, "- `{k}`: {}", first_line(v));
    }
}
