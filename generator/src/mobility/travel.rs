//! How long a trip takes: walking at [`WALK_KMH`] under [`WALK_MAX_KM`], by road beyond, at a speed that grows
//! with the trip's length (town traffic for short trips, highways for long ones).
//!
//! Road time = [`TERMINAL_SECONDS`] + [`CIRCUITY`] × d / v(d), with
//! v(d) = [`ROAD_MIN_KMH`] + ([`ROAD_MAX_KMH`] − [`ROAD_MIN_KMH`]) × (1 − exp(−d / [`ROAD_SPEED_SCALE_KM`])):
//! about 19 km/h for 1 km, 30 km/h for 10 km, 55 km/h for 50 km and 66 km/h for 100 km on the
//! road. Trip times are deterministic (no congestion noise) and at least [`MIN_MOVE_SECONDS`].

/// Walking speed in km/h (assumption: typical adult pace).
pub(crate) const WALK_KMH: f64 = 5.0;
/// Longest straight-line trip walked, in km (assumption).
pub(crate) const WALK_MAX_KM: f64 = 1.0;
/// Road or path length per straight-line km (assumption, within the 1.2–1.4 usually measured).
pub(crate) const CIRCUITY: f64 = 1.3;
/// Road speed of the shortest trips, km/h (assumption: congested town streets).
pub(crate) const ROAD_MIN_KMH: f64 = 18.0;
/// Road speed approached by the longest trips, km/h (assumption: highway with access roads).
pub(crate) const ROAD_MAX_KMH: f64 = 70.0;
/// Trip length over which road speed rises from the minimum towards the maximum, km (assumption).
pub(crate) const ROAD_SPEED_SCALE_KM: f64 = 40.0;
/// Parking and walking at both ends of a road trip, seconds (assumption).
pub(crate) const TERMINAL_SECONDS: f64 = 120.0;
/// Shortest move, seconds (assumption).
pub(crate) const MIN_MOVE_SECONDS: i64 = 60;

/// How a move is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// On foot.
    Walk,
    /// By car, motorcycle, bus or rail.
    Road,
    /// By air (a trip abroad).
    Air,
}

impl Mode {
    /// The mode of a trip of `km` straight-line kilometres.
    pub(crate) fn for_distance(km: f64) -> Mode {
        if km < WALK_MAX_KM {
            Mode::Walk
        } else {
            Mode::Road
        }
    }

    /// Lower-case label used in tables.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Road => "road",
            Mode::Air => "air",
        }
    }
}

/// Average road speed in km/h of a trip of `km` straight-line kilometres.
pub(crate) fn road_speed_kmh(km: f64) -> f64 {
    ROAD_MIN_KMH + (ROAD_MAX_KMH - ROAD_MIN_KMH) * (1.0 - libm::exp(-km / ROAD_SPEED_SCALE_KM))
}

/// Whole seconds a trip of `km` straight-line kilometres takes (at least [`MIN_MOVE_SECONDS`]).
pub(crate) fn travel_seconds(km: f64) -> i64 {
    let hours = match Mode::for_distance(km) {
        Mode::Walk => CIRCUITY * km / WALK_KMH,
        Mode::Road | Mode::Air => CIRCUITY * km / road_speed_kmh(km) + TERMINAL_SECONDS / 3600.0,
    };
    (libm::round(hours * 3600.0) as i64).max(MIN_MOVE_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_trips_take_longer_but_go_faster() {
        let km = [0.0, 0.5, 0.99, 1.0, 3.0, 10.0, 30.0, 100.0, 400.0];
        let secs: Vec<i64> = km.iter().map(|&d| travel_seconds(d)).collect();
        // Longer within each mode; a short drive beats a long walk (the mode switch at 1 km).
        let (walks, drives) = secs.split_at(3);
        assert!(walks.windows(2).all(|w| w[0] <= w[1]), "{secs:?}");
        assert!(drives.windows(2).all(|w| w[0] <= w[1]), "{secs:?}");
        assert_eq!(secs[0], MIN_MOVE_SECONDS);
        let speed = |i: usize| km[i] / (secs[i] as f64 / 3600.0);
        assert!(
            speed(5) < 30.0 && speed(5) > 15.0,
            "10 km at {} km/h",
            speed(5)
        );
        assert!(speed(7) > 40.0 && speed(7) <= ROAD_MAX_KMH / CIRCUITY);
        assert!(speed(2) <= WALK_KMH / CIRCUITY);
    }
}
