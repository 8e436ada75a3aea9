//! Matching state, district and other names written by people to the reference spellings.

use crate::public_data::{self, District, State};

/// Aliases whose [`key`] differs from the census name's key: (alias key, census name key).
const STATE_ALIASES: &[(&str, &str)] = &[
    ("penang", "pulaupinang"),
    ("pinang", "pulaupinang"),
    ("malacca", "melaka"),
    ("kl", "kualalumpur"),
    ("negrisembilan", "negerisembilan"),
];

/// Comparison key: lower-case letters and digits only, without a leading "W.P." or
/// "Wilayah Persekutuan", and "Hulu" spelt "Ulu" as the census does; so `W.P. Kuala Lumpur`,
/// `Kuala Lumpur` and `kuala-lumpur` are equal, and so are `Hulu Langat` and `Ulu Langat`.
fn key(name: &str) -> String {
    let k: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let k = match k
        .strip_prefix("wilayahpersekutuan")
        .or_else(|| k.strip_prefix("wp"))
    {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => k,
    };
    match k.strip_prefix("hulu") {
        Some(rest) => format!("ulu{rest}"),
        None => k,
    }
}

/// The state `name` designates: its census name, its name without "W.P.", a common alias
/// (Penang, Malacca, KL) or its ISO 3166-2 code, ignoring case and punctuation.
pub(super) fn state(name: &str) -> Result<&'static State, String> {
    let k = key(name);
    let k = STATE_ALIASES
        .iter()
        .find(|(alias, _)| *alias == k)
        .map_or(k.as_str(), |(_, to)| to);
    public_data::states()
        .iter()
        .find(|s| key(s.name) == k || key(s.iso) == k)
        .ok_or_else(|| {
            let names = public_data::states().iter().map(|s| s.name);
            format!(
                "unknown state \"{name}\" (write its census name, or a common name such as \
             \"Penang\" or \"Kuala Lumpur\"); {}",
                did_you_mean(name, names)
            )
        })
}

/// The district `name` designates, written `District` or `State/District`, ignoring case and
/// punctuation. A name that two states share must be written with its state.
pub(super) fn district(name: &str) -> Result<&'static District, String> {
    let all = public_data::districts();
    if let Some((state_name, district_name)) = name.split_once('/') {
        let state = self::state(state_name.trim())?;
        let k = key(district_name);
        let in_state = || all.iter().filter(|d| d.state_code == state.code);
        return in_state().find(|d| key(d.name) == k).ok_or_else(|| {
            let suggestion = match all.iter().find(|d| key(d.name) == k) {
                Some(elsewhere) => {
                    format!("did you mean \"{}/{}\"?", elsewhere.state, elsewhere.name)
                }
                None => did_you_mean(district_name, in_state().map(|d| d.name)),
            };
            format!(
                "{} has no district \"{}\"; {suggestion}",
                state.name,
                district_name.trim()
            )
        });
    }
    let k = key(name);
    let matches: Vec<&District> = all.iter().filter(|d| key(d.name) == k).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let hint = match state(name) {
                Ok(s) => format!("\"{}\" is a state: list it in region.states; ", s.name),
                Err(_) => String::new(),
            };
            let names = all.iter().map(canonical_district);
            Err(format!(
                "unknown district \"{name}\" (write \"District\" or \"State/District\"); {hint}{}",
                did_you_mean(name, names)
            ))
        }
        several => {
            let options: Vec<String> = several
                .iter()
                .map(|d| format!("\"{}/{}\"", d.state, d.name))
                .collect();
            Err(format!(
                "district \"{name}\" exists in more than one state; write {}",
                join_or(&options)
            ))
        }
    }
}

/// How a district is written in normalised scenarios: its census name, prefixed with its
/// state (`State/District`) when another state has a district of the same name.
pub(crate) fn canonical_district(d: &District) -> String {
    let shared = public_data::districts()
        .iter()
        .any(|o| o.index != d.index && key(o.name) == key(d.name));
    if shared {
        format!("{}/{}", d.state, d.name)
    } else {
        d.name.to_owned()
    }
}

/// `did you mean "A"?` (or `"A", "B" or "C"`) naming the candidates nearest to `input`.
pub(crate) fn did_you_mean<S: AsRef<str>>(
    input: &str,
    candidates: impl IntoIterator<Item = S>,
) -> String {
    format!(
        "did you mean {}?",
        join_or(&nearest(input, candidates, 0.0))
    )
}

/// `valid <what>: a, b, c`, followed by `; did you mean "a"?` if a candidate is reasonably close
/// to `input`.
pub(crate) fn valid_choices(what: &str, input: &str, candidates: &[&str]) -> String {
    let near = nearest(input, candidates, 0.5);
    let suggestion = if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", join_or(&near))
    };
    format!("valid {what}: {}{suggestion}", candidates.join(", "))
}

/// The quoted candidates nearest to `input`: the best match scoring at least `min_score` and any
/// others almost as close, at most three. The score is the normalised Damerau-Levenshtein
/// similarity of the lower-case names, raised to 0.8 when one contains the other.
fn nearest<S: AsRef<str>>(
    input: &str,
    candidates: impl IntoIterator<Item = S>,
    min_score: f64,
) -> Vec<String> {
    let input = input.trim().to_lowercase();
    let mut scored: Vec<(f64, String)> = candidates
        .into_iter()
        .map(|c| {
            let c = c.as_ref().to_owned();
            let lower = c.to_lowercase();
            let edit = strsim::normalized_damerau_levenshtein(&input, &lower);
            let contains = input.len() >= 3 && (lower.contains(&input) || input.contains(&lower));
            (if contains { edit.max(0.8) } else { edit }, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    let best = scored.first().map_or(0.0, |s| s.0);
    scored
        .iter()
        .take_while(|s| s.0 >= min_score && s.0 >= best - 0.1)
        .take(3)
        .map(|s| format!("\"{}\"", s.1))
        .collect()
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_punctuation_and_federal_territory_prefix() {
        assert_eq!(key("W.P. Kuala Lumpur"), "kualalumpur");
        assert_eq!(key("kuala-lumpur"), "kualalumpur");
        assert_eq!(key("Wilayah Persekutuan Labuan"), "labuan");
        assert_eq!(key("MY-10"), "my10");
        assert_eq!(key("Hulu Langat"), key("Ulu Langat"));
    }

    #[test]
    fn suggestions_name_the_nearest() {
        assert_eq!(
            did_you_mean("Petalin", ["Petaling", "Pekan", "Klang"]),
            "did you mean \"Petaling\"?"
        );
        assert_eq!(
            valid_choices("keys", "digi", &["celcomdigi", "unifi"]),
            "valid keys: celcomdigi, unifi; did you mean \"celcomdigi\"?"
        );
        assert_eq!(
            valid_choices("keys", "colour", &["name", "seed"]),
            "valid keys: name, seed"
        );
        assert_eq!(join_or(&["a".into(), "b".into(), "c".into()]), "a, b or c");
    }
}
