//! Checks of `[[gathering]]` and `[[outage]]`, resolving venues, operators and times.

use chrono::{NaiveDate, NaiveTime, Timelike};
use toml::Spanned;

use super::error::{ScenarioError, Source};
use super::model::{GatheringFile, OutageFile};
use super::names::valid_choices;
use crate::events::{Gathering, GatheringKind, Outage};
use crate::geography::Geography;
use crate::geography::Place;
use crate::public_data;
use crate::public_data::calendar::local_midnight;
use crate::vocabulary::Ethnicity;

/// Largest outage radius, km.
const MAX_RADIUS_KM: f64 = 100.0;

/// Resolves every gathering; `period` is the scenario's (first, last) day.
pub(crate) fn resolve_gatherings(
    src: &Source<'_>,
    gatherings: &[Spanned<GatheringFile>],
    period: (NaiveDate, NaiveDate),
) -> Result<Vec<Gathering>, ScenarioError> {
    gatherings
        .iter()
        .enumerate()
        .map(|(i, g)| resolve_gathering(src, i, g.as_ref(), period))
        .collect()
}

fn resolve_gathering(
    src: &Source<'_>,
    i: usize,
    g: &GatheringFile,
    period: (NaiveDate, NaiveDate),
) -> Result<Gathering, ScenarioError> {
    let field = |name: &str| format!("gathering[{i}].{name}");
    let kind = match g.kind.as_ref().as_str() {
        "concert" => GatheringKind::Concert,
        "festival" => GatheringKind::Festival,
        other => {
            return Err(src.error(
                g.kind.span(),
                &field("kind"),
                format!(
                    "unknown kind; {}",
                    valid_choices("kinds", other, &["concert", "festival"])
                ),
            ));
        }
    };
    let venue = resolve_venue(src, i, g)?;
    let first = g.first.as_ref().0;
    let last = g.last.as_ref().map_or(first, |d| d.as_ref().0);
    let (start, end) = period;
    if first < start || first > end {
        return Err(src.error(
            g.first.span(),
            &field("first"),
            format!("{first} is outside the scenario period {start} to {end}; move it inside"),
        ));
    }
    if last < first || last > end {
        let span = g.last.as_ref().map_or(g.first.span(), |d| d.span());
        return Err(src.error(
            span,
            &field("last"),
            format!("must be from first ({first}) to the period's end ({end}); got {last}"),
        ));
    }
    let opens_s = clock(src, &g.opens, &field("opens"))?;
    let closes_s = clock(src, &g.closes, &field("closes"))?;
    if closes_s <= opens_s {
        return Err(src.error(
            g.closes.span(),
            &field("closes"),
            format!(
                "must be after opens ({}); a gathering ends the day it starts, so write \
                 closes = \"23:59\" at the latest",
                g.opens.as_ref()
            ),
        ));
    }
    let visit_s = match (kind, &g.visit_hours) {
        (GatheringKind::Concert, Some(h)) => {
            return Err(src.error(
                h.span(),
                &field("visit_hours"),
                "a concert's attendees stay from opens to closes; remove visit_hours, or make it \
                 kind = \"festival\""
                    .to_owned(),
            ));
        }
        (GatheringKind::Concert, None) => None,
        (GatheringKind::Festival, None) => {
            return Err(src.error(
                g.kind.span(),
                &field("visit_hours"),
                "a festival needs visit_hours, how long one attendee stays (e.g. visit_hours = 3)"
                    .to_owned(),
            ));
        }
        (GatheringKind::Festival, Some(h)) => {
            let open_h = (closes_s - opens_s) as f64 / 3600.0;
            if !(*h.as_ref() > 0.0 && *h.as_ref() <= open_h) {
                return Err(src.error(
                    h.span(),
                    &field("visit_hours"),
                    format!(
                        "must be more than 0 and at most the {open_h} opening hours (got {})",
                        h.as_ref()
                    ),
                ));
            }
            Some((h.as_ref() * 3600.0) as i64)
        }
    };
    let audience = match &g.audience {
        None => None,
        Some(a) => Some(match a.as_ref().as_str() {
            "bumiputera" => Ethnicity::Bumiputera,
            "chinese" => Ethnicity::Chinese,
            "indian" => Ethnicity::Indian,
            "other" => Ethnicity::Other,
            other => {
                let choices = ["bumiputera", "chinese", "indian", "other"];
                return Err(src.error(
                    a.span(),
                    &field("audience"),
                    format!(
                        "unknown group; {}",
                        valid_choices("groups", other, &choices)
                    ),
                ));
            }
        }),
    };
    let km = *g.catchment_km.as_ref();
    if km.is_nan() || km <= 0.0 {
        return Err(src.error(
            g.catchment_km.span(),
            &field("catchment_km"),
            format!("must be more than 0 (got {km}); the default is 50"),
        ));
    }
    let catchment = Gathering::catchment_of(venue.point(), km);
    if catchment.is_empty() {
        return Err(src.error(
            g.catchment_km.span(),
            &field("catchment_km"),
            format!("no district's centre lies within {km} km of the venue; raise it"),
        ));
    }
    let eligible = Gathering::eligible_population(&catchment, audience);
    let attendees = *g.attendees.as_ref();
    if !(attendees > 0.0 && attendees <= eligible) {
        return Err(src.error(
            g.attendees.span(),
            &field("attendees"),
            format!(
                "must be more than 0 and at most the {eligible:.0} eligible residents of the \
                 catchment (got {attendees}); lower it, widen catchment_km or drop audience"
            ),
        ));
    }
    Ok(Gathering {
        index: i as u32,
        name: g.name.as_ref().clone(),
        kind,
        venue,
        first,
        last,
        opens_s,
        closes_s,
        visit_s,
        attendees,
        catchment,
        audience,
        attendance: attendees / eligible,
    })
}

/// The venue: a bundled attraction, or a point in a district.
fn resolve_venue(src: &Source<'_>, i: usize, g: &GatheringFile) -> Result<Place, ScenarioError> {
    let field = format!("gathering[{i}].venue");
    match (&g.venue, &g.lon, &g.lat) {
        (Some(v), None, None) => {
            let wanted = v.as_ref().to_lowercase();
            let all = public_data::attractions();
            let found = all
                .iter()
                .find(|a| a.id.to_lowercase() == wanted || a.name.to_lowercase() == wanted);
            match found {
                Some(a) => Ok(Place {
                    lon: a.lon,
                    lat: a.lat,
                    district: a.district,
                }),
                None => {
                    let names: Vec<&str> = all.iter().map(|a| a.name).collect();
                    Err(src.error(
                        v.span(),
                        &field,
                        format!(
                            "not a bundled attraction; {}, or give lon and lat instead",
                            valid_choices("attractions", v.as_ref(), &names)
                        ),
                    ))
                }
            }
        }
        (None, Some(lon), Some(lat)) => {
            let field = format!("gathering[{i}].lon");
            let district = district_at(src, lon, *lat.as_ref(), &field)?;
            Ok(Place {
                lon: *lon.as_ref(),
                lat: *lat.as_ref(),
                district,
            })
        }
        _ => Err(src.error(
            g.name.span(),
            &field,
            "give either venue = \"<attraction>\" or both lon and lat".to_owned(),
        )),
    }
}

/// Resolves every outage; `period` is the scenario's (first, last) day.
pub(crate) fn resolve_outages(
    src: &Source<'_>,
    outages: &[Spanned<OutageFile>],
    period: (NaiveDate, NaiveDate),
) -> Result<Vec<Outage>, ScenarioError> {
    outages
        .iter()
        .enumerate()
        .map(|(i, o)| resolve_outage(src, i, o.as_ref(), period))
        .collect()
}

fn resolve_outage(
    src: &Source<'_>,
    i: usize,
    o: &OutageFile,
    period: (NaiveDate, NaiveDate),
) -> Result<Outage, ScenarioError> {
    let field = |name: &str| format!("outage[{i}].{name}");
    let operator = match &o.operator {
        None => None,
        Some(name) => {
            let operators = public_data::operators();
            match operators.iter().position(|op| op.key == name.as_ref()) {
                Some(index) => Some(index),
                None => {
                    let keys: Vec<&str> = operators.iter().map(|op| op.key).collect();
                    return Err(src.error(
                        name.span(),
                        &field("operator"),
                        format!(
                            "unknown operator; {}, or omit it for all operators",
                            valid_choices("operators", name.as_ref(), &keys)
                        ),
                    ));
                }
            }
        }
    };
    let centre = (*o.lon.as_ref(), *o.lat.as_ref());
    district_at(src, &o.lon, centre.1, &field("lon"))?;
    let radius = *o.radius_km.as_ref();
    if !(radius > 0.0 && radius <= MAX_RADIUS_KM) {
        return Err(src.error(
            o.radius_km.span(),
            &field("radius_km"),
            format!("must be more than 0 and at most {MAX_RADIUS_KM} (got {radius})"),
        ));
    }
    let start = instant(src, &o.start, &field("start"))?;
    let end = instant(src, &o.end, &field("end"))?;
    if end <= start {
        return Err(src.error(
            o.end.span(),
            &field("end"),
            format!("must be after start ({})", o.start.as_ref()),
        ));
    }
    let (first, last) = period;
    let (from, to) = (local_midnight(first), local_midnight(last) + 86_400);
    if start >= to || end <= from {
        return Err(src.error(
            o.start.span(),
            &field("start"),
            format!("the outage is outside the scenario period {first} to {last}; move it inside"),
        ));
    }
    Ok(Outage {
        name: o.name.as_ref().clone(),
        operator,
        centre,
        radius_km: radius,
        start,
        end,
    })
}

/// The district of the point (`lon`, `lat`), or an error at `lon`.
fn district_at(
    src: &Source<'_>,
    lon: &Spanned<f64>,
    lat: f64,
    field: &str,
) -> Result<u16, ScenarioError> {
    Geography::get().locate(*lon.as_ref(), lat).ok_or_else(|| {
        src.error(
            lon.span(),
            field,
            format!(
                "({}, {lat}) is in no Malaysian district; check the order (lon is about 100 to \
                 119, lat 1 to 7)",
                lon.as_ref()
            ),
        )
    })
}

/// Seconds after midnight of a local `HH:MM`.
fn clock(src: &Source<'_>, text: &Spanned<String>, field: &str) -> Result<i64, ScenarioError> {
    NaiveTime::parse_from_str(text.as_ref(), "%H:%M")
        .map(|t| i64::from(t.num_seconds_from_midnight()))
        .map_err(|_| {
            src.error(
                text.span(),
                field,
                format!(
                    "\"{}\" is not a local time; write HH:MM, e.g. \"20:00\"",
                    text.as_ref()
                ),
            )
        })
}

/// UTC epoch seconds of a local `YYYY-MM-DD HH:MM`.
fn instant(src: &Source<'_>, text: &Spanned<String>, field: &str) -> Result<i64, ScenarioError> {
    let parsed = chrono::NaiveDateTime::parse_from_str(text.as_ref(), "%Y-%m-%d %H:%M");
    parsed
        .map(|dt| local_midnight(dt.date()) + i64::from(dt.time().num_seconds_from_midnight()))
        .map_err(|_| {
            src.error(
                text.span(),
                field,
                format!(
                    "\"{}\" is not a local date and time; write \"YYYY-MM-DD HH:MM\", e.g. \
                     \"2025-02-12 10:00\"",
                    text.as_ref()
                ),
            )
        })
}
