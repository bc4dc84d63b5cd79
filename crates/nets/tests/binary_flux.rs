//! The exact information flux and its correlation proxies of stochastic binary networks
//! (SPEC.md §7, issue #17): the SPEC tables, bounds, and a brute-force dense reference.
#![allow(clippy::needless_range_loop)]

use infoscope_nets::binary::{
    BinaryNetwork, Coding, ExactOptions, Magnitude, Rooks, Simulator, StationaryMethod, Transition,
    Update, WidthDensityBalance, exact_proxies, plugin_flux, run_moments, stationary_flux,
    transient_flux,
};
use ndarray::{Array1, Array2, array};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

type R = Result<(), Box<dyn std::error::Error>>;

fn flux_bits(net: &BinaryNetwork) -> Result<f64, infoscope_nets::NetsError> {
    Ok(stationary_flux(net, &ExactOptions::default())?
        .flux
        .information_bits())
}

/// SPEC.md §7 "Checkable facts", N = 1 table [derived there in closed form:
/// π_1 = σ(b)/(1 − σ(w+b) + σ(b)), I = h(π_1) − π_0 h(σ(b)) − π_1 h(σ(w+b)), bits].
#[test]
fn spec_n1_table() -> R {
    let rows = [
        (4.0, -2.0, 0.5, 0.472935),
        (-4.0, 2.0, 0.5, 0.472935),
        (2.0, -1.0, 0.5, 0.160058),
        (3.0, 0.0, 0.913366, 0.086996),
    ];
    for (w, b, pi1, bits) in rows {
        let net = BinaryNetwork::synchronous(array![[w]], array![b])?;
        let r = stationary_flux(&net, &ExactOptions::default())?;
        let got_pi1 = r.stationary.distribution[1];
        // The SPEC values are rounded to 6 decimals.
        assert!((got_pi1 - pi1).abs() < 1e-6, "w={w} b={b}: π1 {got_pi1}");
        let got = r.flux.information_bits();
        assert!((got - bits).abs() < 1e-6, "w={w} b={b}: I {got}");
    }
    Ok(())
}

/// W = w·P with neuron i receiving only from i − 1 (cyclic), b = −w/2.
fn shift_register(w: f64) -> Result<BinaryNetwork, infoscope_nets::NetsError> {
    let mut m = Array2::zeros((3, 3));
    for i in 0..3 {
        m[[i, (i + 2) % 3]] = w;
    }
    BinaryNetwork::synchronous(m, Array1::from_elem(3, -w / 2.0))
}

fn value(r: infoscope_nets::binary::Rms) -> f64 {
    r.value.unwrap_or(f64::NAN)
}

/// SPEC.md §7 N = 3 shift-register table [derived there]: I (bits), equal-time C_rms,
/// lagged C_rms over all (i, j), lagged over i ≠ j; 6-decimal rounding.
#[test]
fn spec_shift_register_table() -> R {
    let rows = [
        (2.0, 0.480175, 0.0, 0.266803, 0.326766),
        (5.0, 1.837757, 0.0, 0.489757, 0.599827),
        (10.0, 2.826099, 0.0, 0.569622, 0.697642),
        (20.0, 2.997839, 0.0, 0.577298, 0.707043),
    ];
    for (w, bits, eq, lag_all, lag_off) in rows {
        let net = shift_register(w)?;
        let r = stationary_flux(&net, &ExactOptions::default())?;
        assert!((r.flux.information_bits() - bits).abs() < 1e-6, "w={w}");
        let t = Transition::new(&net)?;
        let p = exact_proxies(&t, &r.stationary.distribution)?;
        assert!((value(p.equal_time) - eq).abs() < 1e-6, "w={w}: {p:?}");
        assert!((value(p.lagged_all) - lag_all).abs() < 1e-6, "w={w}: {p:?}");
        assert!(
            (value(p.lagged_off_diagonal) - lag_off).abs() < 1e-6,
            "w={w}: {p:?}"
        );
        assert_eq!((p.equal_time.pairs, p.lagged_all.pairs), (6, 9));
    }
    Ok(())
}

/// SPEC.md §7 antisymmetric N = 3 case [derived there].
#[test]
fn spec_antisymmetric_case() -> R {
    let w = array![[0.0, 4.0, -4.0], [-4.0, 0.0, 4.0], [4.0, -4.0, 0.0]];
    let net = BinaryNetwork::synchronous(w, Array1::zeros(3))?;
    let r = stationary_flux(&net, &ExactOptions::default())?;
    assert!((r.flux.information_bits() - 1.406515).abs() < 1e-6);
    let p = exact_proxies(&Transition::new(&net)?, &r.stationary.distribution)?;
    assert!((value(p.equal_time) - 0.302655).abs() < 1e-6, "{p:?}");
    assert!((value(p.lagged_all) - 0.512676).abs() < 1e-6, "{p:?}");
    assert!(
        (value(p.lagged_off_diagonal) - 0.627898).abs() < 1e-6,
        "{p:?}"
    );
    Ok(())
}

/// W = 0, b = 0: the next state is independent of the current one [SPEC.md §7].
#[test]
fn zero_weights_give_zero_flux_and_zero_proxies() -> R {
    for n in [1, 4, 7] {
        for update in [Update::Synchronous, Update::Asynchronous] {
            let net = BinaryNetwork::new(
                Array2::zeros((n, n)),
                Array1::zeros(n),
                Coding::Binary,
                1.0,
                update,
            )?;
            let r = stationary_flux(&net, &ExactOptions::default())?;
            let p = exact_proxies(&Transition::new(&net)?, &r.stationary.distribution)?;
            if update == Update::Synchronous {
                assert!(r.flux.information_bits().abs() < 1e-12, "n={n}");
                assert!(value(p.lagged_all).abs() < 1e-12);
            }
            if n > 1 {
                assert!(value(p.equal_time).abs() < 1e-12);
            }
        }
    }
    Ok(())
}

/// A near-deterministic permutation (fields ±20) carries ≈ N bits, and never more
/// [SPEC.md §7: I ≤ N, = N only for a deterministic bijection with uniform π].
#[test]
fn near_deterministic_permutation_carries_n_bits() -> R {
    let n = 6;
    let perm = [3, 0, 5, 1, 2, 4];
    let mut w = Array2::zeros((n, n));
    for (i, &j) in perm.iter().enumerate() {
        w[[i, j]] = 40.0;
    }
    let net = BinaryNetwork::synchronous(w, Array1::from_elem(n, -20.0))?;
    let bits = flux_bits(&net)?;
    // Per neuron the loss is h(σ(−20)) ≈ 4.5e-8 bits·(20/ln 2 + …) < 2e-6 bits.
    assert!(bits <= n as f64 && bits > n as f64 - 1e-4, "{bits}");
    Ok(())
}

fn random_network(
    rng: &mut Xoshiro256PlusPlus,
    n: usize,
    coding: Coding,
    update: Update,
) -> Result<BinaryNetwork, infoscope_nets::NetsError> {
    let w = Array2::from_shape_fn((n, n), |_| rng.random_range(-2.0..2.0));
    let b = Array1::from_shape_fn(n, |_| rng.random_range(-1.0..1.0));
    let t = rng.random_range(0.5..2.0);
    BinaryNetwork::new(w, b, coding, t, update)
}

/// The dense reference: T built entry by entry from the update rule, π by repeated
/// multiplication, I = Σ π T ln(T/q) (nats).
fn dense_reference(net: &BinaryNetwork) -> (Vec<f64>, f64) {
    let n = net.n();
    let states = 1usize << n;
    let mut t = vec![vec![0.0; states]; states];
    let mut p = vec![0.0; n];
    for s in 0..states {
        net.fire_probabilities(s as u64, &mut p);
        for s2 in 0..states {
            let bit = |x: usize, i: usize| x >> i & 1 == 1;
            t[s][s2] = match net.update() {
                Update::Synchronous => (0..n)
                    .map(|i| if bit(s2, i) { p[i] } else { 1.0 - p[i] })
                    .product(),
                Update::Asynchronous => (0..n)
                    .map(|i| {
                        let same_elsewhere = (s ^ s2) & !(1 << i) == 0;
                        let pi = if bit(s2, i) { p[i] } else { 1.0 - p[i] };
                        if same_elsewhere { pi / n as f64 } else { 0.0 }
                    })
                    .sum(),
            };
        }
    }
    let mut pi = vec![1.0 / states as f64; states];
    for _ in 0..20_000 {
        let mut next = vec![0.0; states];
        for s in 0..states {
            for s2 in 0..states {
                next[s2] += pi[s] * t[s][s2];
            }
        }
        let tv: f64 = pi.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        pi = next;
        if tv < 1e-15 {
            break;
        }
    }
    let mut q = vec![0.0; states];
    for s in 0..states {
        for s2 in 0..states {
            q[s2] += pi[s] * t[s][s2];
        }
    }
    let mut info = 0.0;
    for s in 0..states {
        for s2 in 0..states {
            if t[s][s2] > 0.0 {
                info += pi[s] * t[s][s2] * (t[s][s2] / q[s2]).ln();
            }
        }
    }
    (pi, info)
}

/// The factorised exact flux against the dense reference, random networks N ≤ 8 in both
/// codings and both schedules, π by both methods; agreement to 1e-10 (nats and total
/// variation of π).
#[test]
fn exact_flux_matches_dense_reference() -> R {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
    for n in 1..=8 {
        for coding in [Coding::Binary, Coding::Spin] {
            for update in [Update::Synchronous, Update::Asynchronous] {
                let net = random_network(&mut rng, n, coding, update)?;
                let (pi, info) = dense_reference(&net);
                let method = if n % 2 == 0 {
                    StationaryMethod::Power
                } else {
                    StationaryMethod::Auto
                };
                let options = ExactOptions {
                    method,
                    ..ExactOptions::default()
                };
                let r = stationary_flux(&net, &options)?;
                let tv: f64 = 0.5
                    * pi.iter()
                        .zip(&r.stationary.distribution)
                        .map(|(a, b)| (a - b).abs())
                        .sum::<f64>();
                assert!(tv < 1e-10, "n={n} {coding:?} {update:?}: tv {tv}");
                let got = r.flux.information_nats;
                assert!(
                    (got - info).abs() < 1e-10,
                    "n={n} {coding:?} {update:?}: {got} vs {info}"
                );
                assert!(r.flux.information_bits() <= n as f64 + 1e-12);
            }
        }
    }
    Ok(())
}

/// Sampled proxies and plug-in flux converge to the exact values (N = 3 antisymmetric and
/// N = 4 random, both schedules). L = 200 000 pairs: a correlation's standard error is
/// ≲ τ/√L ≈ 0.01 with an autocorrelation time τ ≲ 5 steps (synchronous), so 0.02 is a few
/// standard errors; the plug-in bias is ≤ (4^N)/(2L) ≈ 1e-3 nats for N = 4 and Miller–Madow
/// removes most of it, its standard error ~ 0.01 nats: tolerance 0.03 nats.
#[test]
fn sampled_estimates_converge_to_exact() -> R {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let anti = BinaryNetwork::synchronous(
        array![[0.0, 4.0, -4.0], [-4.0, 0.0, 4.0], [4.0, -4.0, 0.0]],
        Array1::zeros(3),
    )?;
    let nets = [
        anti,
        random_network(&mut rng, 4, Coding::Binary, Update::Synchronous)?,
        random_network(&mut rng, 4, Coding::Spin, Update::Asynchronous)?,
    ];
    for net in nets {
        let t = Transition::new(&net)?;
        let r = stationary_flux(&net, &ExactOptions::default())?;
        let exact = exact_proxies(&t, &r.stationary.distribution)?;
        let sim = Simulator::from_network(&net)?;
        let run = sim.run(11, 1000, 200_001)?;
        let sampled = run_moments(&run)?.proxies();
        for (a, b) in [
            (exact.equal_time, sampled.equal_time),
            (exact.lagged_all, sampled.lagged_all),
            (exact.lagged_off_diagonal, sampled.lagged_off_diagonal),
        ] {
            assert!(
                (value(a) - value(b)).abs() < 0.02,
                "{exact:?} vs {sampled:?}"
            );
        }
        let all: Vec<usize> = (0..net.n()).collect();
        let plug = plugin_flux(&run, &all)?;
        let want = r.flux.information_nats;
        assert!(
            (plug.miller_madow_nats - want).abs() < 0.03,
            "{plug:?} vs {want}"
        );
        assert!(plug.plugin_nats >= plug.miller_madow_nats);
    }
    Ok(())
}

/// Same seed, same run; the run is sequential so the thread count cannot change it.
#[test]
fn simulation_is_seeded() -> R {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
    let net = random_network(&mut rng, 5, Coding::Binary, Update::Synchronous)?;
    let sim = Simulator::from_network(&net)?;
    assert_eq!(sim.run(3, 10, 500)?, sim.run(3, 10, 500)?);
    assert_ne!(sim.run(3, 10, 500)?, sim.run(4, 10, 500)?);
    Ok(())
}

/// The width–density–balance family over 200 draws of N = 30 (870 off-diagonal entries each,
/// 174 000 in all): the non-zero fraction is d ± 5 standard errors (√(d(1−d)/174 000) ≈ 0.0012
/// for d = 0.3), the positive fraction (1 + b)/2 ± 5 s.e. (≈ 0.0037 over ~52 000 non-zeros),
/// the mean magnitude w·√(2/π) (half-normal) or w/2 (uniform) within 2 %, the diagonal empty.
#[test]
fn width_density_balance_statistics() -> R {
    for magnitude in [Magnitude::HalfNormal, Magnitude::Uniform] {
        let e = WidthDensityBalance {
            n: 30,
            width: 2.0,
            density: 0.3,
            balance: -0.4,
            magnitude,
            diagonal: false,
        };
        let (mut nonzero, mut positive, mut total, mut size) = (0usize, 0usize, 0usize, 0.0);
        for seed in 0..200 {
            let w = e.sample(seed)?;
            for ((i, j), v) in w.indexed_iter() {
                if i == j {
                    assert_eq!(*v, 0.0);
                    continue;
                }
                total += 1;
                if *v != 0.0 {
                    nonzero += 1;
                    positive += usize::from(*v > 0.0);
                    size += v.abs();
                }
            }
        }
        let d = nonzero as f64 / total as f64;
        assert!(
            (d - 0.3).abs() < 5.0 * (0.3 * 0.7 / total as f64).sqrt(),
            "{d}"
        );
        let p = positive as f64 / nonzero as f64;
        assert!(
            (p - 0.3).abs() < 5.0 * (0.3 * 0.7 / nonzero as f64).sqrt(),
            "{p}"
        );
        let mean = size / nonzero as f64;
        let want = match magnitude {
            Magnitude::HalfNormal => 2.0 * (2.0 / std::f64::consts::PI).sqrt(),
            Magnitude::Uniform => 1.0,
        };
        assert!((mean / want - 1.0).abs() < 0.02, "{mean} vs {want}");
        assert_eq!(e.sample(7)?, e.sample(7)?);
    }
    let bad = WidthDensityBalance {
        n: 3,
        width: 1.0,
        density: 1.5,
        balance: 0.0,
        magnitude: Magnitude::HalfNormal,
        diagonal: true,
    };
    assert!(
        bad.sample(0)
            .is_err_and(|e| e.to_string().contains("density"))
    );
    Ok(())
}

/// N-rooks: exactly one strong weight per row and per column, no fixed point without the
/// diagonal, a near-deterministic rooks network carries ≈ N bits.
#[test]
fn rooks_are_permutations() -> R {
    for seed in 0..50 {
        let r = Rooks {
            n: 7,
            strength: 5.0,
            background: 0.1,
            diagonal: false,
        };
        let (w, sigma) = r.sample(seed)?;
        let mut seen = [false; 7];
        for (i, &s) in sigma.iter().enumerate() {
            assert_ne!(i, s);
            assert!(!seen[s]);
            seen[s] = true;
            assert_eq!(w[[i, s]], 5.0);
            assert_eq!(w[[i, i]], 0.0);
            let strong = w.row(i).iter().filter(|v| v.abs() > 2.0).count();
            assert_eq!(strong, 1);
        }
    }
    let (w, _) = Rooks {
        n: 5,
        strength: 40.0,
        background: 0.0,
        diagonal: true,
    }
    .sample(3)?;
    let net = BinaryNetwork::synchronous(w, Array1::from_elem(5, -20.0))?;
    assert!((flux_bits(&net)? - 5.0).abs() < 1e-4);
    Ok(())
}

/// The exact flux is bitwise identical on 1 and 3 threads (fixed chunks, fixed sum order).
#[test]
fn exact_flux_is_deterministic_across_thread_counts() -> R {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(23);
    let net = random_network(&mut rng, 11, Coding::Binary, Update::Synchronous)?;
    let options = ExactOptions {
        method: StationaryMethod::Power,
        ..ExactOptions::default()
    };
    let on = |threads: usize| -> Result<f64, Box<dyn std::error::Error>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        Ok(pool
            .install(|| stationary_flux(&net, &options))?
            .flux
            .information_nats)
    };
    assert_eq!(on(1)?.to_bits(), on(3)?.to_bits());
    Ok(())
}

/// The non-stationary flux: a deterministic start carries nothing at t = 0
/// (I[x(0); x(1)] = 0 when x(0) is fixed), and the flux after t steps approaches the
/// stationary one [derived: p_t → π geometrically].
#[test]
fn transient_flux_starts_at_zero_and_relaxes() -> R {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(31);
    for update in [Update::Synchronous, Update::Asynchronous] {
        let net = random_network(&mut rng, 5, Coding::Spin, update)?;
        let t = Transition::new(&net)?;
        let mut p0 = vec![0.0; 32];
        p0[7] = 1.0;
        assert!(transient_flux(&t, &p0, 0)?.information_nats.abs() < 1e-12);
        let stat = stationary_flux(&net, &ExactOptions::default())?.flux;
        let late = transient_flux(&t, &p0, 2000)?;
        assert!((late.information_nats - stat.information_nats).abs() < 1e-9);
        let one = transient_flux(&t, &p0, 1)?;
        assert!(one.information_nats > 0.0);
    }
    Ok(())
}

/// Typed refusals that name the argument: N above the exact limit, a distribution of the
/// wrong length, a bad tolerance, a plug-in subset that is too large.
#[test]
fn refusals_name_their_argument() -> R {
    let big = BinaryNetwork::synchronous(Array2::zeros((21, 21)), Array1::zeros(21))?;
    let err = Transition::new(&big)
        .expect_err("N = 21 refused")
        .to_string();
    assert!(err.contains("`network`") && err.contains("N ≤ 20"), "{err}");
    let net = shift_register(2.0)?;
    let t = Transition::new(&net)?;
    let mut out = vec![0.0; 8];
    let err = t
        .apply(&[0.5; 4], &mut out)
        .expect_err("short p")
        .to_string();
    assert!(err.contains("`p`"), "{err}");
    let options = ExactOptions {
        tolerance: 0.0,
        ..ExactOptions::default()
    };
    let err = stationary_flux(&net, &options)
        .expect_err("tolerance 0")
        .to_string();
    assert!(err.contains("tolerance"), "{err}");
    let run = Simulator::from_network(&net)?.run(1, 0, 100)?;
    let err = plugin_flux(&run, &(0..11).collect::<Vec<_>>())
        .expect_err("11 neurons")
        .to_string();
    assert!(err.contains("subset"), "{err}");
    Ok(())
}

/// A slowly mixing (ferromagnetic, metastable) network above the direct-solve limit: power
/// iteration needs many thousands of applications of T; the automatic route switches to GMRES,
/// reaches the same π in a small fraction of them, and the Krylov route alone equals the dense
/// reference on small networks.
#[test]
fn gmres_settles_slowly_mixing_networks_that_power_iteration_drags_on() -> R {
    let n = 11;
    let mut w = Array2::from_elem((n, n), 0.3);
    w.diag_mut().fill(0.0);
    // A small field breaks the up–down symmetry, so the uniform start excites the slow mode.
    let net = BinaryNetwork::new(
        w,
        Array1::from_elem(n, 0.05),
        Coding::Spin,
        1.0,
        Update::Synchronous,
    )?;
    let power = stationary_flux(
        &net,
        &ExactOptions {
            method: StationaryMethod::Power,
            max_iterations: 200_000,
            ..ExactOptions::default()
        },
    )?;
    let auto = stationary_flux(&net, &ExactOptions::default())?;
    let tv: f64 = 0.5
        * power
            .stationary
            .distribution
            .iter()
            .zip(&auto.stationary.distribution)
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>();
    eprintln!(
        "power {} iterations (contraction {:.6}), auto {} applications, tv {tv:.2e}",
        power.stationary.iterations, power.stationary.contraction, auto.stationary.iterations
    );
    assert!(power.stationary.contraction > 0.99, "not slowly mixing");
    assert!(auto.stationary.iterations * 5 < power.stationary.iterations);
    // Both stop at a residual of 1e-12; the distance to π is residual / (1 − |λ₂|).
    assert!(tv < 1e-8, "{tv}");
    assert!((power.flux.information_nats - auto.flux.information_nats).abs() < 1e-8);
    Ok(())
}

#[test]
fn the_krylov_route_matches_the_dense_reference() -> R {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(29);
    for n in 1..=7 {
        for coding in [Coding::Binary, Coding::Spin] {
            for update in [Update::Synchronous, Update::Asynchronous] {
                let net = random_network(&mut rng, n, coding, update)?;
                let (pi, info) = dense_reference(&net);
                let options = ExactOptions {
                    method: StationaryMethod::Krylov,
                    ..ExactOptions::default()
                };
                let r = stationary_flux(&net, &options)?;
                let tv: f64 = 0.5
                    * pi.iter()
                        .zip(&r.stationary.distribution)
                        .map(|(a, b)| (a - b).abs())
                        .sum::<f64>();
                assert!(tv < 1e-10, "n={n} {coding:?} {update:?}: tv {tv}");
                assert!((r.flux.information_nats - info).abs() < 1e-10);
            }
        }
    }
    Ok(())
}
