//! Cyclic attractors of the deterministic limit (SPEC.md §7): every cycle of the map
//! F: {0,1}^N → {0,1}^N, F(s)_i = Θ(z_i(s)), its period and its basin, with the plain and the
//! basin-weighted mean period.
//!
//! **The deterministic limit and the most likely successor are the same map.** For a
//! synchronous network the transition probability factorises,
//! T(s→s') = Π_i p_i^{s'_i} (1 − p_i)^{1 − s'_i} with p_i = σ(z_i(s)/T), so its argmax over s'
//! is taken neuron by neuron: s'_i = 1 where p_i > ½ and 0 where p_i < ½. Because σ is
//! increasing, σ(0) = ½ and T > 0, p_i > ½ ⟺ z_i > 0 at every temperature: the most likely
//! successor is y_i' = Θ(z_i), the T → 0 limit, whatever T is. Only neurons with z_i = 0
//! exactly (p_i = ½) are undecided; [`TieRule`] settles them (the argmax then has 2^k equally
//! likely successors for k such neurons, and the rule picks one). The sign is read from the
//! field z_i, never from the rounded p_i (σ(z/T) rounds to ½ for |z/T| < 1e-16).
//!
//! For [`Update::Asynchronous`] the deterministic limit is not a map on states without a
//! schedule of which neuron updates when; such networks are refused.
//!
//! Cycle finding walks the functional graph once (O(2^N) time after the O(2^N N²) map, and
//! 12 bytes per state besides the cycles; no recursion); see [`attractors_of_map`].
//!
//! ```
//! use infoscope_nets::binary::{BinaryNetwork, TieRule, attractors};
//! use ndarray::{Array1, array};
//!
//! // The 3-neuron shift register (neuron i copies neuron i − 1): cycles 000, 111 and two of
//! // period 3.
//! let w = array![[0.0, 0.0, 10.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0]];
//! let net = BinaryNetwork::synchronous(w, Array1::from_elem(3, -5.0))?;
//! let summary = attractors(&net, TieRule::On)?.summary();
//! assert_eq!((summary.n_cycles, summary.max_period), (4, 3));
//! assert_eq!(summary.mean_period, 2.0);
//! # Ok::<(), infoscope_nets::NetsError>(())
//! ```

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::binary::network::{BinaryNetwork, Update};
use crate::error::{NetsError, Result, check_memory};

/// The most neurons whose state space the attractor search enumerates (2^31 states; a cycle
/// label is a `u32`). The memory budget usually refuses well before.
pub const MAX_ATTRACTOR_NEURONS: usize = 31;

/// The successor of a neuron whose field is exactly zero (p = ½).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieRule {
    /// Θ(0) = 1: the neuron is on (the default; "p ≥ ½ means on").
    #[default]
    On,
    /// Θ(0) = 0: the neuron is off ("p > ½ means on").
    Off,
    /// The neuron keeps its current state (the Hopfield convention).
    Keep,
}

/// The deterministic successor F(s) of state `s`: bit i is Θ(z_i(s)), with zero fields
/// settled by `tie`; equally the most likely successor at any temperature (module docs).
/// `fields` is scratch of length ≥ N.
#[must_use]
pub fn successor(net: &BinaryNetwork, s: u64, tie: TieRule, fields: &mut [f64]) -> u64 {
    net.fields(s, fields);
    let mut next = 0u64;
    for (i, &z) in fields.iter().enumerate().take(net.n()) {
        let on = if z > 0.0 {
            true
        } else if z < 0.0 {
            false
        } else {
            match tie {
                TieRule::On => true,
                TieRule::Off => false,
                TieRule::Keep => s >> i & 1 == 1,
            }
        };
        next |= u64::from(on) << i;
    }
    next
}

/// Refuse networks whose state space the search cannot enumerate or whose limit is no map.
fn check_network(net: &BinaryNetwork, bytes_per_state: u128) -> Result<()> {
    if net.update() != Update::Synchronous {
        return Err(NetsError::InvalidParameter {
            name: "update",
            reason: "the deterministic limit of asynchronous update is not a map on states \
                     (it needs a schedule); attractors need a synchronous network"
                .to_owned(),
        });
    }
    let n = net.n();
    if n > MAX_ATTRACTOR_NEURONS {
        return Err(NetsError::InvalidParameter {
            name: "weights",
            reason: format!(
                "{n} neurons: the attractor search enumerates all 2^N states and takes \
                 N ≤ {MAX_ATTRACTOR_NEURONS}"
            ),
        });
    }
    check_memory(
        "weights",
        &format!("the attractor search over 2^{n} states"),
        (1u128 << n) * bytes_per_state,
        "use fewer neurons",
    )
}

/// The successor of every state, `map[s] = F(s)` for s in 0..2^N (module docs), computed in
/// parallel.
///
/// # Errors
/// [`NetsError::InvalidParameter`] for an asynchronous network (`update`) or N >
/// [`MAX_ATTRACTOR_NEURONS`] (`weights`); [`NetsError::TooLarge`] when the 8 · 2^N bytes
/// exceed the memory budget.
pub fn successor_map(net: &BinaryNetwork, tie: TieRule) -> Result<Vec<u64>> {
    check_network(net, 8)?;
    Ok(successor_map_unchecked(net, tie))
}

fn successor_map_unchecked(net: &BinaryNetwork, tie: TieRule) -> Vec<u64> {
    const CHUNK: usize = 1024;
    let mut map = vec![0u64; 1usize << net.n()];
    map.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut fields = vec![0.0; net.n()];
            for (k, out) in chunk.iter_mut().enumerate() {
                *out = successor(net, (c * CHUNK + k) as u64, tie, &mut fields);
            }
        });
    map
}

/// The attractor cycles of a functional graph and their basins.
///
/// Cycle `k` (0-based, ordered by first discovery, i.e. by the smallest state of its basin)
/// holds `period(k)` states, listed from its smallest state in the order the map visits them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attractors {
    /// Number of states of the graph (2^N for a network).
    n_states: u64,
    /// The states of all cycles, concatenated.
    states: Vec<u64>,
    /// Where each cycle starts in `states`, plus the total at the end.
    starts: Vec<usize>,
    /// Basin size of each cycle: the states that flow into it, the cycle's own included.
    basins: Vec<u64>,
}

/// One cycle: its states and its basin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle<'a> {
    /// The states, from the smallest, in the order the map visits them.
    pub states: &'a [u64],
    /// The number of states that flow into the cycle, the cycle's own included.
    pub basin: u64,
}

impl Cycle<'_> {
    /// The period (time steps).
    #[must_use]
    pub fn period(&self) -> usize {
        self.states.len()
    }
}

/// How many cycles have one period, and their total basin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCount {
    /// The period (time steps).
    pub period: usize,
    /// The number of cycles with this period.
    pub cycles: u64,
    /// The states that flow into cycles with this period.
    pub basin: u64,
}

/// The summary of an attractor search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttractorSummary {
    /// The number of states searched (2^N).
    pub n_states: u64,
    /// The number of cycles.
    pub n_cycles: usize,
    /// The plain mean period over cycles (time steps).
    pub mean_period: f64,
    /// The basin-weighted mean period Σ_c basin_c · period_c / 2^N (time steps): the period of
    /// the attractor reached from a uniformly drawn initial state.
    pub basin_weighted_mean_period: f64,
    /// The longest period (time steps).
    pub max_period: usize,
    /// Period histogram, by increasing period.
    pub periods: Vec<PeriodCount>,
}

impl Attractors {
    /// The number of cycles.
    #[must_use]
    pub fn len(&self) -> usize {
        self.basins.len()
    }

    /// Whether there is no cycle (never, for a non-empty graph).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.basins.is_empty()
    }

    /// The number of states of the graph.
    #[must_use]
    pub fn n_states(&self) -> u64 {
        self.n_states
    }

    /// Cycle `k`, or `None` past the last.
    #[must_use]
    pub fn cycle(&self, k: usize) -> Option<Cycle<'_>> {
        // Checked access throughout: a deserialised value need not be consistent.
        let basin = *self.basins.get(k)?;
        let (from, to) = (*self.starts.get(k)?, *self.starts.get(k + 1)?);
        let states = self.states.get(from..to)?;
        Some(Cycle { states, basin })
    }

    /// The cycles in order.
    pub fn iter(&self) -> impl Iterator<Item = Cycle<'_>> + '_ {
        (0..self.len()).filter_map(|k| self.cycle(k))
    }

    /// Number of cycles, mean periods and the period histogram.
    #[must_use]
    pub fn summary(&self) -> AttractorSummary {
        let mut hist = std::collections::BTreeMap::<usize, (u64, u64)>::new();
        let (mut total_period, mut weighted) = (0.0, 0.0);
        for c in self.iter() {
            let e = hist.entry(c.period()).or_insert((0, 0));
            e.0 += 1;
            e.1 += c.basin;
            total_period += c.period() as f64;
            weighted += c.period() as f64 * c.basin as f64;
        }
        let n_cycles = self.len();
        let mean = |sum: f64, count: f64| if count > 0.0 { sum / count } else { 0.0 };
        AttractorSummary {
            n_states: self.n_states,
            n_cycles,
            mean_period: mean(total_period, n_cycles as f64),
            basin_weighted_mean_period: mean(weighted, self.n_states as f64),
            max_period: hist.keys().next_back().copied().unwrap_or(0),
            periods: hist
                .into_iter()
                .map(|(period, (cycles, basin))| PeriodCount {
                    period,
                    cycles,
                    basin,
                })
                .collect(),
        }
    }
}

/// Every attractor cycle of the network's deterministic limit (module docs) with its basin.
///
/// # Errors
/// As [`successor_map`]; the budget is checked for the map, the labels and the worst case of
/// the cycles (every state on a cycle), 36 bytes per state.
pub fn attractors(net: &BinaryNetwork, tie: TieRule) -> Result<Attractors> {
    check_network(net, 36)?;
    let map = successor_map_unchecked(net, tie);
    Ok(attractors_with_labels(&map)?.0)
}

/// Label values that are not cycle numbers.
const UNVISITED: u32 = u32::MAX;
const ON_PATH: u32 = u32::MAX - 1;

/// The cycles of the functional graph `s → map[s]` on states 0..map.len(), with basins.
///
/// # Errors
/// As [`attractors_with_labels`].
pub fn attractors_of_map(map: &[u64]) -> Result<Attractors> {
    Ok(attractors_with_labels(map)?.0)
}

/// The cycles of the functional graph `s → map[s]` and, for every state, the number of the
/// cycle it flows into.
///
/// Each state is walked once: from each unvisited state, follow the map marking the path
/// until a marked state is reached; if it is on the current path, a new cycle has been
/// found (walk it once to record it from its smallest state); then walk the path again,
/// labelling it with the cycle reached. O(len) time, 4 bytes per state for the labels.
///
/// # Errors
/// [`NetsError::InvalidParameter`] (`map`) for an empty map, one with 2^32 − 2 or more
/// states, or an entry ≥ its length; [`NetsError::TooLarge`] when the labels and the
/// worst-case cycles exceed the memory budget.
pub fn attractors_with_labels(map: &[u64]) -> Result<(Attractors, Vec<u32>)> {
    let len = map.len();
    if len == 0 || len >= ON_PATH as usize {
        return Err(NetsError::InvalidParameter {
            name: "map",
            reason: format!("has {len} states; it needs 1 to {} states", ON_PATH - 1),
        });
    }
    if let Some((s, &t)) = map.iter().enumerate().find(|&(_, &t)| t >= len as u64) {
        return Err(NetsError::InvalidParameter {
            name: "map",
            reason: format!("state {s} maps to {t}, outside 0..{len}"),
        });
    }
    check_memory(
        "map",
        &format!("the cycle search over {len} states"),
        len as u128 * 28,
        "use fewer states",
    )?;
    let mut label = vec![UNVISITED; len];
    let mut out = Attractors {
        n_states: len as u64,
        states: Vec::new(),
        starts: vec![0],
        basins: Vec::new(),
    };
    for start in 0..len {
        if label[start] != UNVISITED {
            continue;
        }
        // Walk and mark until a marked state.
        let mut x = start;
        while label[x] == UNVISITED {
            label[x] = ON_PATH;
            x = map[x] as usize;
        }
        if label[x] == ON_PATH {
            record_cycle(map, x, &mut label, &mut out);
        }
        let id = label[x];
        // Label the path's tail (the states before the cycle, or before the old basin).
        let mut y = start;
        while label[y] == ON_PATH {
            label[y] = id;
            y = map[y] as usize;
        }
    }
    for &id in &label {
        out.basins[id as usize] += 1;
    }
    Ok((out, label))
}

/// Record the cycle through `x` (all its states are `ON_PATH`) as the next cycle.
fn record_cycle(map: &[u64], x: usize, label: &mut [u32], out: &mut Attractors) {
    let id = out.basins.len() as u32;
    let first = out.states.len();
    let mut y = x;
    loop {
        label[y] = id;
        out.states.push(y as u64);
        y = map[y] as usize;
        if y == x {
            break;
        }
    }
    // Start at the smallest state.
    let cycle = &mut out.states[first..];
    if let Some(k) = (0..cycle.len()).min_by_key(|&k| cycle[k]) {
        cycle.rotate_left(k);
    }
    out.starts.push(out.states.len());
    out.basins.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, array};

    #[test]
    fn a_small_graph_has_its_cycles_and_basins() -> Result<()> {
        // 0 → 1 → 2 → 1 (a 2-cycle {1, 2} with 0 in its basin); 3 → 3; 4 → 3.
        let (a, label) = attractors_with_labels(&[1, 2, 1, 3, 3])?;
        assert_eq!(a.len(), 2);
        let c0 = a.cycle(0).ok_or_else(|| NetsError::Numerical {
            what: "test",
            detail: "no cycle".into(),
        })?;
        assert_eq!((c0.states, c0.basin), (&[1u64, 2][..], 3));
        assert_eq!(
            a.cycle(1).map(|c| (c.states.to_vec(), c.basin)),
            Some((vec![3], 2))
        );
        assert_eq!(label, vec![0, 0, 0, 1, 1]);
        let s = a.summary();
        assert_eq!((s.n_cycles, s.max_period), (2, 2));
        assert!((s.mean_period - 1.5).abs() < 1e-15);
        assert!((s.basin_weighted_mean_period - (3.0 * 2.0 + 2.0) / 5.0).abs() < 1e-15);
        Ok(())
    }

    #[test]
    fn bad_maps_and_asynchronous_networks_are_refused_by_name() {
        for map in [&[][..], &[0, 2][..]] {
            let err = attractors_of_map(map).expect_err("refused").to_string();
            assert!(err.contains("`map`"), "{err}");
        }
        let net = BinaryNetwork::new(
            Array2::zeros((2, 2)),
            Array1::zeros(2),
            crate::binary::Coding::Binary,
            1.0,
            Update::Asynchronous,
        );
        let err = net
            .and_then(|n| attractors(&n, TieRule::On))
            .expect_err("refused")
            .to_string();
        assert!(err.contains("`update`"), "{err}");
    }

    #[test]
    fn tie_rules_settle_zero_fields() -> Result<()> {
        // W = 0, b = 0: every field is 0.
        let net = BinaryNetwork::synchronous(Array2::zeros((2, 2)), array![0.0, 0.0])?;
        let mut z = [0.0; 2];
        assert_eq!(successor(&net, 0b01, TieRule::On, &mut z), 0b11);
        assert_eq!(successor(&net, 0b01, TieRule::Off, &mut z), 0b00);
        assert_eq!(successor(&net, 0b01, TieRule::Keep, &mut z), 0b01);
        // Under Keep every state is a fixed point.
        assert_eq!(attractors(&net, TieRule::Keep)?.len(), 4);
        Ok(())
    }
}
