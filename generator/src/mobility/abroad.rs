//! Places outside Malaysia. Each country residents go to (Singapore for cross-border commuters,
//! the destinations of [`super::outbound`]) has a district index counted down from the top of
//! the `u16` range, written as its ISO alpha-3 code where tables give a district code.

/// The countries residents go to, by district index from `u16::MAX` down.
pub(crate) const COUNTRIES: [&str; 8] = ["SGP", "THA", "IDN", "CHN", "VNM", "JPN", "KOR", "SAU"];

/// District index of Singapore.
pub(crate) const SINGAPORE: u16 = u16::MAX;

/// District index of a country of [`COUNTRIES`].
pub(crate) fn district(iso3: &str) -> u16 {
    let k = (COUNTRIES.iter().position(|c| *c == iso3))
        .unwrap_or_else(|| panic!("{iso3} is not a country residents go to"));
    u16::MAX - k as u16
}

/// The country (ISO alpha-3) of a district index outside Malaysia; `None` for Malaysia's.
pub(crate) fn country(district: u16) -> Option<&'static str> {
    let k = usize::from(u16::MAX - district);
    COUNTRIES.get(k).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_round_trip_and_stay_clear_of_malaysian_districts() {
        for c in COUNTRIES {
            assert_eq!(country(district(c)), Some(c));
        }
        assert_eq!(district("SGP"), SINGAPORE);
        let malaysian = crate::public_data::districts().len() as u16;
        assert!((0..malaysian).all(|d| country(d).is_none()));
    }
}
