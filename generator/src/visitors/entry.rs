//! A visitor's entry point, chosen from tables built once per run for each nationality: every
//! visitor index of the national arrivals draws one (hundreds of thousands a day at full
//! density), so the candidate points and their weights are not rebuilt per draw. The draws are
//! those the rule in the module documentation of `visitors` asks for, in the same order.

use crate::public_data::{EntryKind, EntryPoint, InboundOrigin, entry_points};
use crate::rng::StreamRng;
use crate::sampling::{Weighted, bernoulli};

use super::{CAUSEWAY_WEIGHT, international_passengers, transit_weight};

/// How visitors of one nationality choose their entry point.
pub(super) struct EntryChoice {
    /// Over the nationality's states of entry.
    states: Weighted,
    /// Per state of entry, in the same order.
    by_state: Vec<StateEntries>,
}

/// The points of one state of entry a visitor may use.
struct StateEntries {
    /// Crossings to the visitor's own country (the Causeway weighted against the others).
    own: Option<Candidates>,
    /// Airports, by international traffic.
    air: Option<Candidates>,
    /// Crossings others use (`transit_weight`), when any has a weight.
    surface: Option<Candidates>,
    /// The surface points alike, when none has a weight and there is no airport.
    any_surface: Candidates,
    /// Probability of flying in when both airports and usable crossings exist.
    air_share: f64,
}

/// Points and their weights (`None` when the weights sum to 0: drawing from them is refused,
/// as it would be from the public tables).
struct Candidates {
    points: Vec<&'static EntryPoint>,
    pick: Option<Weighted>,
}

impl Candidates {
    fn new(points: Vec<&'static EntryPoint>, weight: impl Fn(&EntryPoint) -> f64) -> Self {
        let weights: Vec<f64> = points.iter().map(|p| weight(p)).collect();
        let pick = (weights.iter().sum::<f64>() > 0.0).then(|| Weighted::new(weights));
        Candidates { points, pick }
    }

    fn draw(&self, rng: &mut StreamRng) -> &'static EntryPoint {
        let pick = self
            .pick
            .as_ref()
            .expect("entry points with a positive weight");
        self.points[pick.sample(rng)]
    }
}

impl EntryChoice {
    /// The choice of visitors from `origin`, with each state's air share `air_share` (by DOSM
    /// state code).
    pub(super) fn new(origin: &InboundOrigin, air_share: &[f64; 17]) -> Self {
        let by_state = (origin.entry_states.iter())
            .map(|&(state_code, _)| {
                let in_state: Vec<&'static EntryPoint> = (entry_points().iter())
                    .filter(|p| p.state_code == state_code)
                    .collect();
                let own: Vec<_> = (in_state.iter().copied())
                    .filter(|p| p.crossing_country == Some(origin.iso3))
                    .collect();
                let (air, surface): (Vec<_>, Vec<_>) = in_state
                    .into_iter()
                    .partition(|p| p.kind == EntryKind::Airport);
                let usable = surface.iter().any(|p| transit_weight(p) > 0.0);
                let causeway = |p: &EntryPoint| if p.id == "L01" { CAUSEWAY_WEIGHT } else { 1.0 };
                StateEntries {
                    own: (!own.is_empty()).then(|| Candidates::new(own, causeway)),
                    air: (!air.is_empty()).then(|| Candidates::new(air, international_passengers)),
                    surface: usable.then(|| Candidates::new(surface.clone(), transit_weight)),
                    any_surface: Candidates::new(surface, |_| 1.0),
                    air_share: air_share[usize::from(state_code)],
                }
            })
            .collect();
        EntryChoice {
            states: Weighted::new(origin.entry_states.iter().map(|s| s.1)),
            by_state,
        }
    }

    /// A visitor's entry point: a state of entry, then that state's crossings to the visitor's
    /// country when it has any; otherwise an airport (with the state's air share, or surely
    /// when no crossing is usable) or a crossing others use.
    pub(super) fn draw(&self, rng: &mut StreamRng) -> &'static EntryPoint {
        let state = &self.by_state[self.states.sample(rng)];
        if let Some(own) = &state.own {
            return own.draw(rng);
        }
        let fly = |rng: &mut StreamRng| state.surface.is_none() || bernoulli(rng, state.air_share);
        match (&state.air, &state.surface) {
            (Some(air), _) if fly(rng) => air.draw(rng),
            (_, Some(surface)) => surface.draw(rng),
            _ => state.any_surface.draw(rng),
        }
    }
}
