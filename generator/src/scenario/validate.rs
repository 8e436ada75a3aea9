//! Semantic checks on a deserialized scenario file, resolving names and filling defaults.

use std::collections::BTreeMap;

use toml::Spanned;

use super::error::{ScenarioError, Source};
use super::events;
use super::model::{
    DEFAULT_BALIK_KAMPUNG_CNY_SHARE, DEFAULT_BALIK_KAMPUNG_RAYA_SHARE, FaultsFile, HolidaysFile,
    OperatorShareFile, OutputsFile, PeriodFile, PopulationFile, RegionFile, ScenarioFile,
    TourismFile,
};
use super::names::{self, valid_choices};
use super::{PopulationSize, Scenario};
use crate::numbering::{MAX_PERSONS, MAX_SIMS, NumberingPlan, VISITOR_SIM_KEY_BASE};
use crate::public_data;
use crate::vocabulary::person_count;

/// Longest period, in days.
const MAX_DAYS: i64 = 366;
/// How far operator shares may sum from 1.
const SHARE_TOLERANCE: f64 = 0.001;

/// Checks `file` and returns it normalised (defaults filled, names in census spelling) together
/// with the resolved data.
pub(crate) fn validate(
    src: &Source<'_>,
    mut file: ScenarioFile,
) -> Result<Scenario, ScenarioError> {
    check_name(src, &file.name)?;
    let (start, end) = check_period(src, &file.period)?;
    let (region, districts) = resolve_region(src, file.region.take())?;
    file.region = Some(region);
    let population = check_population(src, &file.population)?;
    let (operators, operator_shares) = resolve_operators(src, file.operators.take())?;
    file.operators = Some(operators);
    check_capacity(
        src,
        &file.population,
        population,
        &districts,
        &operator_shares,
    )?;
    check_holidays(src, &file.holidays)?;
    check_tourism(src, &file.tourism)?;
    let gatherings = events::resolve_gatherings(src, &file.gathering, (start, end))?;
    let outages = events::resolve_outages(src, &file.outage, (start, end))?;
    check_faults(src, &file.faults)?;
    resolve_outputs(src, &mut file.outputs, !file.faults.is_off())?;
    Ok(Scenario {
        file,
        start,
        end,
        districts,
        population,
        operator_shares,
        gatherings,
        outages,
        known_tables: src.known_tables.iter().map(|t| (*t).to_owned()).collect(),
    })
}

fn check_name(src: &Source<'_>, name: &Spanned<String>) -> Result<(), ScenarioError> {
    let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !name.as_ref().is_empty() && name.as_ref().chars().all(valid) {
        return Ok(());
    }
    let slug: String = name
        .as_ref()
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if valid(c) { c } else { '-' })
        .collect();
    let slug = slug
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "my-scenario".to_owned()
    } else {
        slug
    };
    Err(src.error(
        name.span(),
        "name",
        format!(
            "must be non-empty and use only a-z, 0-9 and '-' (got \"{}\"); write name = \"{slug}\"",
            name.as_ref()
        ),
    ))
}

fn check_period(
    src: &Source<'_>,
    period: &PeriodFile,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), ScenarioError> {
    let (start, end) = (period.start.as_ref().0, period.end.as_ref().0);
    if end < start {
        return Err(src.error(
            period.end.span(),
            "period.end",
            format!(
                "must not be before period.start (got {end}, start is {start}); both dates are \
                 inclusive, so end = {start} gives one day"
            ),
        ));
    }
    let days = (end - start).num_days() + 1;
    if days > MAX_DAYS {
        let last = start + chrono::Duration::days(MAX_DAYS - 1);
        return Err(src.error(
            period.end.span(),
            "period.end",
            format!(
                "the period covers {days} days, more than {MAX_DAYS}; set end = {last} at the \
                 latest, or split it into several scenarios"
            ),
        ));
    }
    Ok((start, end))
}

/// The normalised region and the sorted indices of its districts.
fn resolve_region(
    src: &Source<'_>,
    region: Option<Spanned<RegionFile>>,
) -> Result<(Spanned<RegionFile>, Vec<u16>), ScenarioError> {
    let Some(region) = region else {
        let states = public_data::states()
            .iter()
            .map(|s| Spanned::new(0..0, s.name.to_owned()));
        let all = RegionFile {
            states: Some(states.collect()),
            districts: None,
        };
        let districts = public_data::districts().iter().map(|d| d.index).collect();
        return Ok((Spanned::new(0..0, all), districts));
    };
    let span = region.span();
    let region = region.into_inner();
    let mut selected = Vec::new();

    let states = match region.states {
        Some(names) => {
            let mut states = Vec::with_capacity(names.len());
            for name in names {
                let state = names::state(name.as_ref())
                    .map_err(|problem| src.error(name.span(), "region.states", problem))?;
                states.push((state.code, Spanned::new(name.span(), state.name.to_owned())));
                let in_state = public_data::districts()
                    .iter()
                    .filter(|d| d.state_code == state.code);
                selected.extend(in_state.map(|d| d.index));
            }
            states.sort_by_key(|(code, _)| *code);
            states.dedup_by_key(|(code, _)| *code);
            Some(states.into_iter().map(|(_, name)| name).collect())
        }
        None => None,
    };

    let districts = match region.districts {
        Some(names) => {
            let mut districts = Vec::with_capacity(names.len());
            for name in names {
                let district = names::district(name.as_ref())
                    .map_err(|problem| src.error(name.span(), "region.districts", problem))?;
                districts.push((
                    district.index,
                    Spanned::new(name.span(), names::canonical_district(district)),
                ));
                selected.push(district.index);
            }
            districts.sort_by_key(|(index, _)| *index);
            districts.dedup_by_key(|(index, _)| *index);
            Some(districts.into_iter().map(|(_, name)| name).collect())
        }
        None => None,
    };

    if selected.is_empty() {
        return Err(src.error(
            span,
            "region",
            "selects no district; list at least one name in states or districts, or remove \
             [region] to cover all of Malaysia"
                .to_owned(),
        ));
    }
    selected.sort_unstable();
    selected.dedup();
    Ok((
        Spanned::new(span, RegionFile { states, districts }),
        selected,
    ))
}

fn check_population(
    src: &Source<'_>,
    population: &Spanned<PopulationFile>,
) -> Result<PopulationSize, ScenarioError> {
    let p = population.as_ref();
    let sims = &p.sims_per_person;
    if !(1.0..=3.0).contains(sims.as_ref()) {
        return Err(src.error(
            sims.span(),
            "population.sims_per_person",
            format!(
                "must be between 1.0 and 3.0 (got {}); Malaysia had about 1.31 mobile \
                 subscriptions per person in 2018 (MCMC): omit it for the default 1.35",
                sims.as_ref()
            ),
        ));
    }
    let given: Vec<(&str, std::ops::Range<usize>, PopulationSize)> = [
        p.scale
            .as_ref()
            .map(|s| ("scale", s.span(), PopulationSize::Scale(*s.as_ref()))),
        p.persons
            .as_ref()
            .map(|n| ("persons", n.span(), PopulationSize::Persons(*n.as_ref()))),
        p.subscribers.as_ref().map(|n| {
            (
                "subscribers",
                n.span(),
                PopulationSize::Subscribers(*n.as_ref()),
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (field, span, size) = match given.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(src.error(
                population.span(),
                "population",
                "sets no size; add exactly one of scale = 0.001 (fraction of the region's \
                 census population), persons = 20000 or subscribers = 27000"
                    .to_owned(),
            ));
        }
        [(first, _, _), (second, span, _), ..] => {
            return Err(src.error(
                span.clone(),
                &format!("population.{second}"),
                format!(
                    "conflicts with population.{first}: set exactly one of scale, persons or \
                     subscribers; remove one of the two lines"
                ),
            ));
        }
    };
    let problem = match size {
        PopulationSize::Scale(s) if !(s > 0.0 && s <= 1.0) => format!(
            "must be greater than 0 and at most 1 (got {s}); set a fraction such as 0.001, or \
             use persons = N"
        ),
        PopulationSize::Persons(0) | PopulationSize::Subscribers(0) => {
            format!("must be at least 1 (got 0); set a count such as {field} = 20000")
        }
        _ => return Ok(size),
    };
    Err(src.error(span, &format!("population.{field}"), problem))
}

/// Checks that the population fits what the generator can number: at most
/// [`MAX_PERSONS`] persons (their SIM keys stay below the visitors'), and every operator's
/// share of the SIMs within its real number ranges. Runs before anything is built, so that
/// sizes such as 1e18 or 2^64 − 1 are refused at once.
fn check_capacity(
    src: &Source<'_>,
    population: &Spanned<PopulationFile>,
    size: PopulationSize,
    districts: &[u16],
    shares: &[(usize, f64)],
) -> Result<(), ScenarioError> {
    let p = population.as_ref();
    let (field, span) = match size {
        PopulationSize::Scale(_) => ("scale", p.scale.as_ref().map(Spanned::span)),
        PopulationSize::Persons(_) => ("persons", p.persons.as_ref().map(Spanned::span)),
        PopulationSize::Subscribers(_) => {
            ("subscribers", p.subscribers.as_ref().map(Spanned::span))
        }
    };
    let span = span.unwrap_or_else(|| population.span());
    let field = format!("population.{field}");
    let census: u64 = districts
        .iter()
        .map(|&d| public_data::districts()[usize::from(d)].population)
        .sum();
    let sims = *p.sims_per_person.as_ref();
    let persons = person_count(size, census, sims);
    if persons > MAX_PERSONS {
        let problem = match size {
            PopulationSize::Subscribers(n) => format!(
                "is too large (got {n}, which makes {persons} persons at {sims} SIMs per person); \
                 at most {MAX_PERSONS} persons fit the SIM numbering (persons × {MAX_SIMS} SIM \
                 keys below {VISITOR_SIM_KEY_BASE}, where visitors' keys start), so at most \
                 {} subscribers at this sims_per_person; Malaysia has {} residents: use scale = \
                 1.0 for the whole country",
                (MAX_PERSONS as f64 * sims).floor() as u64,
                total_census()
            ),
            _ => format!(
                "is too large (got {persons} persons); at most {MAX_PERSONS} persons fit the \
                 SIM numbering (persons × {MAX_SIMS} SIM keys below {VISITOR_SIM_KEY_BASE}, \
                 where visitors' keys start); Malaysia has {} residents: use scale = 1.0 for \
                 the whole country",
                total_census()
            ),
        };
        return Err(src.error(span, &field, problem));
    }
    NumberingPlan::check_capacity(persons * MAX_SIMS, shares).map_err(|e| {
        src.error(
            span,
            &field,
            format!(
                "is too large for the operators' number ranges ({persons} persons, up to {} \
                 SIMs): {e}",
                persons * MAX_SIMS
            ),
        )
    })
}

fn total_census() -> u64 {
    public_data::districts().iter().map(|d| d.population).sum()
}

type OperatorTable = Spanned<BTreeMap<Spanned<String>, Spanned<OperatorShareFile>>>;

/// The normalised operator table (every operator listed) and the shares by operator index,
/// divided by their sum.
fn resolve_operators(
    src: &Source<'_>,
    table: Option<OperatorTable>,
) -> Result<(OperatorTable, Vec<(usize, f64)>), ScenarioError> {
    let operators = public_data::operators();
    let mut shares = vec![0.0; operators.len()];
    let span = match table {
        None => {
            for (share, op) in shares.iter_mut().zip(operators) {
                *share = op.market_share;
            }
            0..0
        }
        Some(table) => {
            let span = table.span();
            for (key, entry) in table.into_inner() {
                let Some(index) = operators.iter().position(|op| op.key == key.as_ref()) else {
                    let keys: Vec<&str> = operators.iter().map(|op| op.key).collect();
                    return Err(src.error(
                        key.span(),
                        &format!("operators.{}", key.as_ref()),
                        format!(
                            "unknown operator; {}",
                            valid_choices("operators", key.as_ref(), &keys)
                        ),
                    ));
                };
                let share = entry.as_ref().share.clone();
                if !(0.0..=1.0).contains(share.as_ref()) {
                    return Err(src.error(
                        share.span(),
                        &format!("operators.{}.share", key.as_ref()),
                        format!(
                            "must be between 0 and 1 (got {}); write the operator's fraction of \
                             subscriptions, e.g. share = 0.25",
                            share.as_ref()
                        ),
                    ));
                }
                shares[index] = *share.as_ref();
            }
            let sum: f64 = shares.iter().sum();
            if (sum - 1.0).abs() > SHARE_TOLERANCE {
                let round = |x: f64| (x * 1e6).round() / 1e6;
                let change = if sum < 1.0 { "raise" } else { "lower" };
                return Err(src.error(
                    span,
                    "operators",
                    format!(
                        "shares sum to {}, not 1 (within {SHARE_TOLERANCE}); {change} them by {} \
                         in total, or remove [operators] to use the default market shares",
                        round(sum),
                        round((sum - 1.0).abs())
                    ),
                ));
            }
            span
        }
    };
    let normalised = operators
        .iter()
        .zip(&shares)
        .map(|(op, &share)| {
            let entry = OperatorShareFile {
                share: Spanned::new(0..0, share),
            };
            (
                Spanned::new(0..0, op.key.to_owned()),
                Spanned::new(0..0, entry),
            )
        })
        .collect();
    let sum: f64 = shares.iter().sum();
    let resolved = shares
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s / sum))
        .collect();
    Ok((Spanned::new(span, normalised), resolved))
}

fn check_holidays(src: &Source<'_>, holidays: &HolidaysFile) -> Result<(), ScenarioError> {
    let shares = [
        (
            "balik_kampung_cny_share",
            &holidays.balik_kampung_cny_share,
            "Chinese New Year",
            DEFAULT_BALIK_KAMPUNG_CNY_SHARE,
        ),
        (
            "balik_kampung_raya_share",
            &holidays.balik_kampung_raya_share,
            "Hari Raya Aidilfitri",
            DEFAULT_BALIK_KAMPUNG_RAYA_SHARE,
        ),
    ];
    for (field, share, festival, default) in shares {
        if !(0.0..=1.0).contains(share.as_ref()) {
            return Err(src.error(
                share.span(),
                &format!("holidays.{field}"),
                format!(
                    "must be between 0 and 1 (got {}); it is the share of eligible households \
                     that travel to their kampung for {festival}: 0 turns the exodus off, omit \
                     it for the default {default}",
                    share.as_ref()
                ),
            ));
        }
    }
    Ok(())
}

fn check_tourism(src: &Source<'_>, tourism: &TourismFile) -> Result<(), ScenarioError> {
    let scale = &tourism.inbound_scale;
    if !(0.0..=1.0).contains(scale.as_ref()) {
        return Err(src.error(
            scale.span(),
            "tourism.inbound_scale",
            format!(
                "must be between 0 and 1 (got {}); it is the fraction of Malaysia's foreign \
                 arrivals (about 112,000 a day in Q1 2025) that arrive in the scenario: use the \
                 population scale for the country's ratio, or 0 (the default) for none",
                scale.as_ref()
            ),
        ));
    }
    let share = &tourism.domestic_trip_share;
    if !(0.0..=1.0).contains(share.as_ref()) {
        return Err(src.error(
            share.span(),
            "tourism.domestic_trip_share",
            format!(
                "must be between 0 and 1 (got {}); it is the share of city households away on a \
                 leisure trip over each weekend or holiday: 0 (the default) for none",
                share.as_ref()
            ),
        ));
    }
    let scale = &tourism.outbound_scale;
    if !(0.0..=10.0).contains(scale.as_ref()) {
        return Err(src.error(
            scale.span(),
            "tourism.outbound_scale",
            format!(
                "must be between 0 and 10 (got {}); it multiplies residents' documented rate of                  trips abroad (about 0.35 a year each): 1 for the documented rate, 0 (the                  default) for none",
                scale.as_ref()
            ),
        ));
    }
    Ok(())
}

/// Name of the truth table listing the injected faults, written only with `[faults]`.
const FAULTS_TABLE: &str = "faults";

fn check_faults(src: &Source<'_>, faults: &FaultsFile) -> Result<(), ScenarioError> {
    for (name, rate) in faults.rates() {
        if !(0.0..=1.0).contains(rate.as_ref()) {
            let unit = if name == "clock_skew" {
                "site-days whose records carry a skewed clock"
            } else if name == "long_call_split" {
                "calls longer than their switch's cut that are split"
            } else if name == "long_session_split" {
                "data records over their gateway's volume limit that are split"
            } else {
                "records affected"
            };
            return Err(src.error(
                rate.span(),
                &format!("faults.{name}"),
                format!(
                    "must be between 0 and 1 (got {}); it is the share of {unit}: 0 (the \
                     default) for none, about 0.001 for a realistic feed",
                    rate.as_ref()
                ),
            ));
        }
    }
    Ok(())
}

/// Fills or checks the table list; the `faults` table is written only when `faults_on`.
fn resolve_outputs(
    src: &Source<'_>,
    outputs: &mut OutputsFile,
    faults_on: bool,
) -> Result<(), ScenarioError> {
    let block = &outputs.persons_per_block;
    if !(1_000..=10_000_000).contains(block.as_ref()) {
        return Err(src.error(
            block.span(),
            "outputs.persons_per_block",
            format!(
                "must be between 1000 and 10000000 (got {}); it bounds memory use and file size: \
                 omit it for the default 50000",
                block.as_ref()
            ),
        ));
    }
    let Some(tables) = outputs.tables.take() else {
        let all = (src.known_tables.iter())
            .filter(|t| faults_on || **t != FAULTS_TABLE)
            .map(|t| Spanned::new(0..0, (*t).to_owned()));
        outputs.tables = Some(Spanned::new(0..0, all.collect()));
        return Ok(());
    };
    let span = tables.span();
    let mut listed: Vec<(usize, Spanned<String>)> = Vec::new();
    for table in tables.into_inner() {
        let Some(index) = src.known_tables.iter().position(|t| *t == table.as_ref()) else {
            return Err(src.error(
                table.span(),
                "outputs.tables",
                format!(
                    "unknown table \"{}\"; {}",
                    table.as_ref(),
                    valid_choices("tables", table.as_ref(), src.known_tables)
                ),
            ));
        };
        if !faults_on && table.as_ref() == FAULTS_TABLE {
            return Err(src.error(
                table.span(),
                "outputs.tables",
                "the faults table lists injected faults, and this scenario has none; add a \
                 [faults] section with a rate above 0, or remove \"faults\""
                    .to_owned(),
            ));
        }
        if listed.iter().any(|(i, _)| *i == index) {
            return Err(src.error(
                table.span(),
                "outputs.tables",
                format!("table \"{}\" is listed twice; remove one", table.as_ref()),
            ));
        }
        listed.push((index, table));
    }
    if listed.is_empty() {
        return Err(src.error(
            span,
            "outputs.tables",
            "lists no table; name at least one, or remove tables to write them all".to_owned(),
        ));
    }
    listed.sort_by_key(|(index, _)| *index);
    outputs.tables = Some(Spanned::new(
        span,
        listed.into_iter().map(|(_, t)| t).collect(),
    ));
    Ok(())
}
