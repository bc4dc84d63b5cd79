//! Attractors of the deterministic limit: against a naive iteration written here, the N-rooks
//! (scaled permutation) family with its exact cycle structure, and closed cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use infoscope_nets::NetsError;
use infoscope_nets::binary::attractors::{
    MAX_ATTRACTOR_NEURONS, attractors_with_labels, successor_map,
};
use infoscope_nets::binary::{BinaryNetwork, Coding, TieRule, Update, attractors};
use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Θ(z) with the tie rule, straight from the fields.
fn naive_successor(net: &BinaryNetwork, s: u64, tie: TieRule) -> u64 {
    let mut z = vec![0.0; net.n()];
    net.fields(s, &mut z);
    (0..net.n()).fold(0, |acc, i| {
        let on = match z[i].partial_cmp(&0.0).unwrap() {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => match tie {
                TieRule::On => true,
                TieRule::Off => false,
                TieRule::Keep => s >> i & 1 == 1,
            },
        };
        acc | u64::from(on) << i
    })
}

/// From every state iterate until a state repeats; the cycle reached (as a sorted state
/// list) → its basin size.
fn naive_cycles(net: &BinaryNetwork, tie: TieRule) -> BTreeMap<Vec<u64>, u64> {
    let mut out = BTreeMap::new();
    for start in 0..net.n_states() {
        let mut seen = Vec::new();
        let mut x = start;
        while !seen.contains(&x) {
            seen.push(x);
            x = naive_successor(net, x, tie);
        }
        let first = seen.iter().position(|&y| y == x).unwrap();
        let mut cycle = seen[first..].to_vec();
        cycle.sort_unstable();
        *out.entry(cycle).or_insert(0) += 1;
    }
    out
}

fn random_network(n: usize, integer: bool, coding: Coding, seed: u64) -> BinaryNetwork {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let draw = |rng: &mut Xoshiro256PlusPlus| {
        if integer {
            // Small integers make exact zero fields (ties) common.
            f64::from(rng.random_range(-2i32..=2))
        } else {
            rng.random_range(-3.0..3.0)
        }
    };
    let w = Array2::from_shape_fn((n, n), |_| draw(&mut rng));
    let b = Array1::from_shape_fn(n, |_| draw(&mut rng));
    BinaryNetwork::new(w, b, coding, 1.0, Update::Synchronous).unwrap()
}

#[test]
fn attractors_match_a_naive_iteration_on_random_networks() {
    let mut seed = 0;
    for n in 1..=10 {
        for coding in [Coding::Binary, Coding::Spin] {
            for integer in [false, true] {
                for tie in [TieRule::On, TieRule::Off, TieRule::Keep] {
                    seed += 1;
                    let net = random_network(n, integer, coding, seed);
                    let found = attractors(&net, tie).unwrap();
                    let expected = naive_cycles(&net, tie);
                    assert_eq!(found.len(), expected.len(), "n {n} seed {seed}");
                    let mut got = BTreeMap::new();
                    for c in found.iter() {
                        // Canonical: starts at its smallest state and follows the map.
                        assert_eq!(c.states[0], *c.states.iter().min().unwrap());
                        for k in 0..c.period() {
                            let next = c.states[(k + 1) % c.period()];
                            assert_eq!(naive_successor(&net, c.states[k], tie), next);
                        }
                        let mut sorted = c.states.to_vec();
                        sorted.sort_unstable();
                        got.insert(sorted, c.basin);
                    }
                    assert_eq!(got, expected, "n {n} seed {seed} tie {tie:?}");
                    let s = found.summary();
                    let basins: u64 = s.periods.iter().map(|p| p.basin).sum();
                    assert_eq!(basins, net.n_states());
                }
            }
        }
    }
}

#[test]
fn labels_name_the_cycle_each_state_flows_into() {
    let net = random_network(8, true, Coding::Binary, 99);
    let map = successor_map(&net, TieRule::On).unwrap();
    let (found, labels) = attractors_with_labels(&map).unwrap();
    for s in 0..net.n_states() {
        // Iterating 2^N steps lands on the cycle.
        let mut x = s;
        for _ in 0..net.n_states() {
            x = map[x as usize];
        }
        let c = found.cycle(labels[s as usize] as usize).unwrap();
        assert!(c.states.contains(&x));
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: usize, b: usize) -> usize {
    a / gcd(a, b) * b
}

/// The cycles of the permutation `sigma` (lists of neurons).
fn permutation_cycles(sigma: &[usize]) -> Vec<Vec<usize>> {
    let mut seen = vec![false; sigma.len()];
    let mut cycles = Vec::new();
    for i in 0..sigma.len() {
        let mut cycle = Vec::new();
        let mut j = i;
        while !seen[j] {
            seen[j] = true;
            cycle.push(j);
            j = sigma[j];
        }
        if !cycle.is_empty() {
            cycles.push(cycle);
        }
    }
    cycles
}

/// The N-rooks network: neuron i receives weight w from neuron σ(i) only, so y_i' = y_σ(i)
/// exactly (binary: z = ±w/2 with b = −w/2; spin: z = ±w with b = 0).
fn rooks(sigma: &[usize], w: f64, coding: Coding) -> BinaryNetwork {
    let n = sigma.len();
    let mut weights = Array2::zeros((n, n));
    for (i, &j) in sigma.iter().enumerate() {
        weights[[i, j]] = w;
    }
    let b = match coding {
        Coding::Binary => -w / 2.0,
        Coding::Spin => 0.0,
    };
    BinaryNetwork::new(
        weights,
        Array1::from_elem(n, b),
        coding,
        1.0,
        Update::Synchronous,
    )
    .unwrap()
}

/// The smallest d ≥ 1 with the bits of `s` on `cycle` unchanged by rotating d places: the
/// state's period on that cycle of neurons (a divisor of the cycle's length).
fn necklace_period(s: u64, cycle: &[usize]) -> usize {
    let bits: Vec<u64> = cycle.iter().map(|&i| s >> i & 1).collect();
    let m = bits.len();
    (1..=m)
        .find(|&d| (0..m).all(|k| bits[k] == bits[(k + d) % m]))
        .unwrap()
}

#[test]
fn n_rooks_cycles_follow_the_permutation() {
    // The map y ↦ (y_σ(0), …, y_σ(N−1)) is a bijection of the 2^N states, so every state
    // lies on a cycle and each basin is its cycle. On each cycle C of σ a state's bits form a
    // necklace whose period d_C divides |C|; the state's period is lcm_C d_C, which divides
    // L = lcm_C |C| (the order of σ). Burnside's lemma counts the cycles (orbits of the group
    // generated by the map): (1/L) Σ_{k<L} 2^{c(σ^k)}, c = the number of cycles of σ^k.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
    for n in 1..=10 {
        for coding in [Coding::Binary, Coding::Spin] {
            let mut sigma: Vec<usize> = (0..n).collect();
            sigma.shuffle(&mut rng);
            let net = rooks(&sigma, 10.0, coding);
            let found = attractors(&net, TieRule::On).unwrap();
            let cycles = permutation_cycles(&sigma);
            let order = cycles.iter().fold(1, |acc, c| lcm(acc, c.len()));
            for c in found.iter() {
                assert_eq!(c.basin, c.period() as u64, "every basin is its cycle");
                assert_eq!(order % c.period(), 0, "the period divides lcm |C|");
                let expected = cycles
                    .iter()
                    .fold(1, |acc, cyc| lcm(acc, necklace_period(c.states[0], cyc)));
                assert_eq!(c.period(), expected, "σ {sigma:?}");
            }
            // Burnside: Σ_k 2^{c(σ^k)} / L.
            let mut power: Vec<usize> = (0..n).collect();
            let mut total: u64 = 0;
            for _ in 0..order {
                total += 1u64 << permutation_cycles(&power).len();
                power = power.iter().map(|&j| sigma[j]).collect();
            }
            assert_eq!(found.len() as u64, total / order as u64, "σ {sigma:?}");
        }
    }
}

#[test]
fn the_three_neuron_shift_register_has_four_cycles() {
    // σ = (i − 1 mod 3): the necklaces of length 3: 000, 111, {001, 010, 100}, {011, 110, 101}.
    let net = rooks(&[2, 0, 1], 10.0, Coding::Binary);
    let found = attractors(&net, TieRule::On).unwrap();
    let periods: Vec<usize> = found.iter().map(|c| c.period()).collect();
    assert_eq!(periods, vec![1, 3, 3, 1]);
    assert_eq!(found.cycle(1).unwrap().states, &[1, 2, 4]);
    let s = found.summary();
    assert!((s.mean_period - 2.0).abs() < 1e-15);
    assert!((s.basin_weighted_mean_period - 20.0 / 8.0).abs() < 1e-15);
    assert_eq!(s.periods.len(), 2);
    assert_eq!((s.periods[1].period, s.periods[1].cycles), (3, 2));
}

#[test]
fn no_weights_and_negative_bias_give_the_single_fixed_point_zero() {
    for n in [1, 5, 12] {
        let net =
            BinaryNetwork::synchronous(Array2::zeros((n, n)), Array1::from_elem(n, -0.5)).unwrap();
        let found = attractors(&net, TieRule::On).unwrap();
        assert_eq!(found.len(), 1);
        let c = found.cycle(0).unwrap();
        assert_eq!((c.states, c.basin), (&[0u64][..], 1u64 << n));
        let s = found.summary();
        assert_eq!((s.n_cycles, s.max_period), (1, 1));
        assert!((s.basin_weighted_mean_period - 1.0).abs() < 1e-15);
    }
}

#[test]
fn too_many_neurons_are_refused_by_name() {
    let n = MAX_ATTRACTOR_NEURONS + 1;
    let net = BinaryNetwork::synchronous(Array2::zeros((n, n)), Array1::zeros(n)).unwrap();
    let err = attractors(&net, TieRule::On).unwrap_err();
    assert!(
        matches!(
            err,
            NetsError::InvalidParameter {
                name: "weights",
                ..
            }
        ),
        "{err}"
    );
}

/// Timing at N = 20 (2^20 states): `cargo test -p infoscope-nets --release --test
/// binary_attractors -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run by hand"]
fn timing_at_twenty_neurons() {
    let net = random_network(20, false, Coding::Binary, 5);
    let t = std::time::Instant::now();
    let map = successor_map(&net, TieRule::On).unwrap();
    let t_map = t.elapsed();
    let (found, _) = attractors_with_labels(&map).unwrap();
    println!(
        "N = 20: map {t_map:?}, cycles {:?} ({} cycles)",
        t.elapsed() - t_map,
        found.len()
    );
}
