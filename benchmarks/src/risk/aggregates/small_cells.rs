//! Small cells and differencing: published counts, or differences between a total and the sum
//! of its parts, with `0 < value < k`.

use std::collections::{BTreeMap, HashMap};

use telcosynth_generator::public_data::districts;

use super::super::stats::Rate;
use super::Cell;

/// Indicators that are counts of people or events.
const COUNT_INDICATORS: [&str; 10] = [
    "present_population",
    "residents",
    "od_trips",
    "inbound_visitors",
    "inbound_nights",
    "calls",
    "domestic_trips",
    "domestic_nights",
    "same_day_visits",
    "inbound_visitors_by_entry",
];

/// The count behind a published value: the value of a count indicator, a district's
/// `user_density` times its official area (public data, so the count is as good as published).
fn count_of(c: &Cell) -> Option<f64> {
    if COUNT_INDICATORS.contains(&c.indicator.as_str()) {
        return Some(c.value);
    }
    if c.indicator == "user_density" && c.level == "district" {
        let d = districts().iter().find(|d| d.code == c.zone)?;
        return Some((c.value * d.area_km2).round());
    }
    None
}

/// Small published counts (densities counted as the counts they reveal).
pub(super) fn small_cells(cells: &[Cell], k: u32) -> Rate {
    let counts: Vec<f64> = cells.iter().filter_map(count_of).collect();
    let small = counts
        .iter()
        .filter(|&&v| v > 0.0 && v < f64::from(k))
        .count();
    Rate::new(small as f64, counts.len() as u64)
}

type GroupKey<'a> = (&'a str, &'a str, &'a str, (i64, i64));

/// Totals (no breakdown) per group.
fn totals(cells: &[Cell]) -> BTreeMap<GroupKey<'_>, f64> {
    cells
        .iter()
        .filter(|c| c.breakdown.is_none() && COUNT_INDICATORS.contains(&c.indicator.as_str()))
        .map(|c| {
            (
                (c.indicator.as_str(), c.level.as_str(), c.zone.as_str(), c.t),
                c.value,
            )
        })
        .collect()
}

fn revealed(d: f64, k: u32) -> bool {
    d > 1e-9 && d < f64::from(k)
}

/// Differences between zone totals and the sums of their breakdowns.
pub(super) fn breakdown_differencing(cells: &[Cell], k: u32) -> Rate {
    let totals = totals(cells);
    let mut sums: BTreeMap<(GroupKey<'_>, &str), f64> = BTreeMap::new();
    for c in cells {
        if let Some((key, _)) = &c.breakdown {
            let g = (c.indicator.as_str(), c.level.as_str(), c.zone.as_str(), c.t);
            *sums.entry((g, key.as_str())).or_default() += c.value;
        }
    }
    let (mut n, mut hits) = (0u64, 0u64);
    for ((g, _), sum) in &sums {
        if let Some(total) = totals.get(g) {
            n += 1;
            hits += u64::from(revealed(total - sum, k));
        }
    }
    Rate::new(hits as f64, n)
}

/// Differences between state totals and the sums of their districts' totals.
pub(super) fn hierarchy_differencing(cells: &[Cell], k: u32) -> Rate {
    let totals = totals(cells);
    let mut state_of: HashMap<&str, (&str, String)> = HashMap::new();
    for d in districts() {
        state_of.insert(d.code, (d.state, d.state_code.to_string()));
    }
    let mut sums: BTreeMap<(&str, String, (i64, i64)), f64> = BTreeMap::new();
    for (&(indicator, level, zone, t), &v) in &totals {
        if level == "district"
            && let Some((name, _)) = state_of.get(zone)
        {
            *sums.entry((indicator, (*name).to_owned(), t)).or_default() += v;
        }
    }
    let state_name = |zone: &str| -> String {
        districts()
            .iter()
            .find(|d| d.state_code.to_string() == zone)
            .map_or(zone.to_owned(), |d| d.state.to_owned())
    };
    let (mut n, mut hits) = (0u64, 0u64);
    for (&(indicator, level, zone, t), &total) in &totals {
        if level != "state" {
            continue;
        }
        if let Some(sum) = sums.get(&(indicator, state_name(zone), t)) {
            n += 1;
            hits += u64::from(revealed(total - sum, k));
        }
    }
    Rate::new(hits as f64, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(indicator: &str, level: &str, zone: &str, b: Option<(&str, &str)>, v: f64) -> Cell {
        Cell {
            indicator: indicator.into(),
            level: level.into(),
            zone: zone.into(),
            t: (0, 3_600),
            breakdown: b.map(|(k, v)| (k.into(), v.into())),
            value: v,
        }
    }

    #[test]
    fn small_cells_and_differencing_find_small_groups() {
        let cells = vec![
            cell("present_population", "district", "10_1", None, 40.0),
            cell(
                "present_population",
                "district",
                "10_1",
                Some(("sex", "M")),
                20.0,
            ),
            cell(
                "present_population",
                "district",
                "10_1",
                Some(("sex", "F")),
                17.0,
            ),
            cell("present_population", "district", "10_2", None, 3.0),
            cell("call_drop_rate", "district", "10_2", None, 0.02),
        ];
        let r = small_cells(&cells, 5);
        assert_eq!((r.hits, r.n), (1.0, 4));
        assert_eq!(small_cells(&cells, 15).hits, 1.0);
        // A density over a public area is its count: 2 people in Kuala Lumpur's 243 km².
        let mut dense = cells.clone();
        dense.push(cell("user_density", "district", "14_1", None, 2.0 / 243.0));
        let r = small_cells(&dense, 5);
        assert_eq!((r.hits, r.n), (2.0, 5));
        // 40 − (20 + 17) = 3 people suppressed from the breakdown.
        assert_eq!(breakdown_differencing(&cells, 5).hits, 1.0);
        assert_eq!(breakdown_differencing(&cells, 3).hits, 0.0);
    }

    #[test]
    fn hierarchy_differencing_compares_a_state_with_its_districts() {
        let selangor: Vec<&str> = districts()
            .iter()
            .filter(|d| d.state == "Selangor")
            .map(|d| d.code)
            .take(2)
            .collect();
        let cells = vec![
            cell("residents", "state", "Selangor", None, 110.0),
            cell("residents", "district", selangor[0], None, 60.0),
            cell("residents", "district", selangor[1], None, 48.0),
        ];
        assert_eq!(hierarchy_differencing(&cells, 5).hits, 1.0);
        assert_eq!(hierarchy_differencing(&cells, 5).n, 1);
    }
}
