//! Evolution strategies on binary networks: elitism, thread-count determinism, exact resume,
//! bounds; the combined flux–period fitness; the permutation structure of N-rooks matrices.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use infoscope_nets::NetsError;
use infoscope_nets::binary::attractors::TieRule;
use infoscope_nets::binary::evolve::{Bound, Mutation, PeriodMean, Selection};
use infoscope_nets::binary::{
    BinaryNetwork, CombinedFitness, EvolutionParams, EvolutionState, Layout, attractors,
    permutation_structure,
};
use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

type Fitness = fn(&BinaryNetwork) -> infoscope_nets::error::Result<f64>;

/// A smooth analytic fitness: −Σ (W_ij − t_ij)² − Σ b_i² with t_ij = (i − j) / 2.
fn quadratic(net: &BinaryNetwork) -> infoscope_nets::error::Result<f64> {
    let w = net.weights();
    let mut f = 0.0;
    for ((i, j), v) in w.indexed_iter() {
        let t = (i as f64 - j as f64) / 2.0;
        f -= (v - t).powi(2);
    }
    Ok(f - net.bias().iter().map(|b| b * b).sum::<f64>())
}

/// The basin-weighted mean attractor period (time steps): piecewise constant in W.
fn mean_period(net: &BinaryNetwork) -> infoscope_nets::error::Result<f64> {
    Ok(attractors(net, TieRule::On)?
        .summary()
        .basin_weighted_mean_period)
}

fn start_network(n: usize) -> BinaryNetwork {
    BinaryNetwork::synchronous(Array2::zeros((n, n)), Array1::from_elem(n, -0.5)).unwrap()
}

fn run(params: &EvolutionParams, n: usize, generations: u64, f: Fitness) -> EvolutionState {
    let evo = params.clone().check().unwrap();
    let mut state = evo.start(&start_network(n), &f).unwrap();
    state.run(generations, &f).unwrap();
    state
}

fn settings() -> Vec<EvolutionParams> {
    let base = EvolutionParams::default()
        .sigma(1.0)
        .w_max(Some(4.0))
        .seed(11);
    vec![
        base.clone().mu(1).lambda(6),
        base.clone()
            .mu(3)
            .lambda(5)
            .evolve_bias(true)
            .l2_penalty(0.01),
        base.clone()
            .mu(2)
            .lambda(4)
            .mutation(Mutation::Subset { k: 3 })
            .bound(Bound::Reflect),
        base.mu(2).lambda(5).selection(Selection::Comma),
    ]
}

#[test]
fn plus_strategies_never_decrease_their_best_fitness() {
    for params in settings()
        .into_iter()
        .filter(|p| p.selection == Selection::Plus)
    {
        for f in [quadratic as Fitness, mean_period] {
            let state = run(&params, 4, 25, f);
            let best: Vec<f64> = state.trajectory.iter().map(|r| r.best).collect();
            assert_eq!(best.len(), 26);
            assert!(best.windows(2).all(|w| w[1] >= w[0]), "{best:?}");
            assert_eq!(state.best.fitness, *best.last().unwrap());
            assert_eq!(state.parents.len(), params.mu);
            let last = state.trajectory.last().unwrap();
            assert_eq!(last.evaluations, (params.mu + 25 * params.lambda) as u64);
        }
    }
    // The strategy climbs the smooth landscape.
    let state = run(&settings()[0].clone().sigma(0.2), 4, 60, quadratic);
    let (first, last) = (state.trajectory[0].best, state.best.fitness);
    assert!(last > first + 5.0, "{first} → {last}");
}

#[test]
fn the_same_seed_gives_the_same_run_on_one_and_two_threads() {
    for params in settings() {
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run(&params, 4, 12, mean_period))
        };
        let (one, two) = (on(1), on(2));
        assert_eq!(one, two, "{params:?}");
        // Another seed gives another run.
        let other = run(&params.clone().seed(12), 4, 12, quadratic);
        assert_ne!(other, run(&params, 4, 12, quadratic));
    }
}

#[test]
fn resuming_from_a_saved_state_continues_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for (k, params) in settings().into_iter().enumerate() {
        for f in [quadratic as Fitness, mean_period] {
            let whole = run(&params, 4, 15, f);
            let mut first = run(&params, 4, 6, f);
            let path = dir.path().join(format!("state-{k}.json"));
            first.save(&path).unwrap();
            let mut resumed = EvolutionState::load(&path).unwrap();
            assert_eq!(resumed, first);
            resumed.run(9, &f).unwrap();
            assert_eq!(resumed, whole, "{params:?}");
            first.run(9, &f).unwrap();
            assert_eq!(first, whole);
        }
    }
}

#[test]
fn the_box_holds_under_clipping_and_reflection() {
    for bound in [Bound::Clip, Bound::Reflect] {
        let params = EvolutionParams::default()
            .sigma(3.0)
            .w_max(Some(1.0))
            .bound(bound)
            .evolve_bias(true)
            .mu(2)
            .lambda(6);
        let evo = params.check().unwrap();
        let mut state = evo.start(&start_network(3), &quadratic).unwrap();
        for _ in 0..10 {
            state.run(1, &quadratic).unwrap();
            for p in &state.parents {
                assert!(
                    p.weights
                        .iter()
                        .chain(p.bias.iter())
                        .all(|v| v.abs() <= 1.0)
                );
            }
        }
    }
}

#[test]
fn comma_selection_is_deterministic_and_may_lose_its_best() {
    let params = settings().pop().unwrap();
    let a = run(&params, 4, 20, quadratic);
    let b = run(&params, 4, 20, quadratic);
    assert_eq!(a, b);
    // The best ever is kept apart from the parents.
    let top = a.trajectory.iter().map(|r| r.best).fold(f64::MIN, f64::max);
    assert!(a.best.fitness >= top);
    let net = a.best_network().unwrap();
    assert_eq!(quadratic(&net).unwrap(), a.best.raw_fitness);
}

#[test]
fn the_fitness_includes_the_penalty() {
    let params = EvolutionParams::default().l2_penalty(0.5).evolve_bias(true);
    let state = run(&params, 3, 3, quadratic);
    for p in &state.parents {
        let norm: f64 = p.weights.iter().chain(p.bias.iter()).map(|v| v * v).sum();
        assert!((p.fitness - (p.raw_fitness - 0.5 * norm)).abs() < 1e-12);
    }
}

#[test]
fn bad_starts_and_states_are_refused_by_name() {
    let evo = EvolutionParams::default().w_max(Some(1.0)).check().unwrap();
    let big = BinaryNetwork::synchronous(Array2::from_elem((2, 2), 2.0), Array1::zeros(2)).unwrap();
    let err = evo.start(&big, &quadratic).unwrap_err();
    assert!(
        matches!(
            err,
            NetsError::InvalidParameter {
                name: "initial",
                ..
            }
        ),
        "{err}"
    );
    let evo = EvolutionParams::default()
        .mutation(Mutation::Subset { k: 5 })
        .check()
        .unwrap();
    let err = evo.start(&start_network(2), &quadratic).unwrap_err();
    assert!(
        matches!(
            err,
            NetsError::InvalidParameter {
                name: "mutation",
                ..
            }
        ),
        "{err}"
    );
    let nan = |_: &BinaryNetwork| Ok(f64::NAN);
    let err = EvolutionParams::default()
        .check()
        .unwrap()
        .start(&start_network(2), &nan)
        .unwrap_err();
    assert!(
        matches!(
            err,
            NetsError::Numerical {
                what: "fitness",
                ..
            }
        ),
        "{err}"
    );
    // A state whose parents do not match μ.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut state = run(&EvolutionParams::default(), 2, 2, quadratic);
    state.parents.push(state.parents[0].clone());
    state.save(&path).unwrap();
    let err = state.clone().run(1, &quadratic).unwrap_err();
    assert!(
        matches!(err, NetsError::InvalidParameter { name: "state", .. }),
        "{err}"
    );
    let mut empty = state.clone();
    empty.parents.clear();
    assert!(empty.run(1, &quadratic).is_err());
    let err = EvolutionState::load(&path).unwrap_err();
    assert!(
        matches!(err, NetsError::InvalidParameter { name: "state", .. }),
        "{err}"
    );
}

/// The shift register on N neurons: neuron i receives w from neuron i − 1.
fn shift_register(n: usize, w: f64) -> BinaryNetwork {
    let mut weights = Array2::zeros((n, n));
    for i in 0..n {
        weights[[i, (i + n - 1) % n]] = w;
    }
    BinaryNetwork::synchronous(weights, Array1::from_elem(n, -w / 2.0)).unwrap()
}

#[test]
fn the_combined_fitness_weighs_flux_and_period() {
    let net = shift_register(3, 10.0);
    let flux = |_: &BinaryNetwork| Ok(2.0);
    // Cycles 000, 111 (period 1) and two of period 3: plain mean 2, basin-weighted 20/8.
    for (period, mean) in [(PeriodMean::Plain, 2.0), (PeriodMean::BasinWeighted, 2.5)] {
        let c = CombinedFitness {
            flux_weight: 0.5,
            period_weight: 2.0,
            period,
            tie: TieRule::On,
        };
        let f = c.evaluate(&net, flux).unwrap();
        assert!((f - (0.5 * 2.0 + 2.0 * mean)).abs() < 1e-12, "{f}");
    }
    // A zero weight skips its part (the flux function is never called).
    let only_period = CombinedFitness {
        flux_weight: 0.0,
        period_weight: 1.0,
        period: PeriodMean::Plain,
        tie: TieRule::On,
    };
    let never = |_: &BinaryNetwork| -> infoscope_nets::error::Result<f64> { panic!("called") };
    assert!((only_period.evaluate(&net, never).unwrap() - 2.0).abs() < 1e-12);
}

/// A random permutation's N-rooks matrix W[i, σ(i)] = ±(5..10), relabelled by a random ρ,
/// plus optional background noise of standard deviation `noise`.
fn shuffled_rooks(n: usize, noise: f64, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut sigma: Vec<usize> = (0..n).collect();
    sigma.shuffle(&mut rng);
    let mut w = Array2::from_shape_fn((n, n), |_| noise * rng.sample::<f64, _>(StandardNormal));
    for (i, &j) in sigma.iter().enumerate() {
        let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        w[[i, j]] = sign * rng.random_range(5.0..10.0);
    }
    (w, sigma)
}

fn cycle_lengths(sigma: &[usize]) -> Vec<usize> {
    let mut seen = vec![false; sigma.len()];
    let mut lengths = Vec::new();
    for i in 0..sigma.len() {
        let mut len = 0;
        let mut j = i;
        while !seen[j] {
            seen[j] = true;
            len += 1;
            j = sigma[j];
        }
        if len > 0 {
            lengths.push(len);
        }
    }
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    lengths
}

#[test]
fn a_shuffled_n_rooks_matrix_is_sorted_into_its_cycles() {
    for (seed, n) in (0..20).zip([1, 2, 3, 5, 8, 13, 20, 40].iter().cycle()) {
        let (w, sigma) = shuffled_rooks(*n, 0.0, seed);
        for layout in [Layout::SubDiagonal, Layout::SuperDiagonal] {
            let s = permutation_structure(w.view(), layout).unwrap();
            assert_eq!(s.source, sigma);
            assert_eq!(s.cycle_lengths, cycle_lengths(&sigma));
            assert!((s.matched_fraction - 1.0).abs() < 1e-15);
            // In the reordered matrix every weight sits on a block's cyclic (sub/super)diagonal.
            let r = s.reorder(w.view());
            let mut offset = 0;
            for &len in &s.cycle_lengths {
                for t in 0..len {
                    let from = match layout {
                        Layout::SubDiagonal => (t + len - 1) % len,
                        Layout::SuperDiagonal => (t + 1) % len,
                    };
                    assert!(r[[offset + t, offset + from]].abs() >= 5.0, "n {n}");
                }
                offset += len;
            }
            let nonzero = r.iter().filter(|v| **v != 0.0).count();
            assert_eq!(nonzero, *n);
        }
    }
}

#[test]
fn background_weights_lower_the_matched_fraction_but_keep_the_structure() {
    let (w, sigma) = shuffled_rooks(12, 0.3, 5);
    let s = permutation_structure(w.view(), Layout::SubDiagonal).unwrap();
    assert_eq!(s.source, sigma);
    let strong: f64 = sigma
        .iter()
        .enumerate()
        .map(|(i, &j)| w[[i, j]].abs())
        .sum();
    let total: f64 = w.iter().map(|v| v.abs()).sum();
    assert!((s.matched_fraction - strong / total).abs() < 1e-12);
    assert!(s.matched_fraction > 0.5 && s.matched_fraction < 1.0);
}

#[test]
fn evolving_the_mean_period_leaves_the_fixed_point() {
    // From W = 0, b = −½ (the single fixed point 0, mean period 1) the (1+λ) strategy finds
    // networks whose attractors are longer cycles.
    let params = EvolutionParams::default()
        .sigma(1.0)
        .w_max(Some(4.0))
        .seed(3);
    let state = run(&params, 5, 40, mean_period);
    assert!((state.trajectory[0].best - 1.0).abs() < 1e-15);
    assert!(state.best.fitness > 3.0, "{}", state.best.fitness);
}
