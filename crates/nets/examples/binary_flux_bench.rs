//! Timing of the exact flux (N from the arguments) and of the simulator (N = 1000).
//!
//! `cargo run --release -p infoscope-nets --example binary_flux_bench -- 10 12 14 16`

use std::time::Instant;

use infoscope_nets::binary::{
    BinaryNetwork, Coding, ExactOptions, Magnitude, Rooks, Simulator, StationaryMethod, Transition,
    Update, WidthDensityBalance, run_moments, stationary, stationary_flux,
};
use ndarray::Array1;

fn network(n: usize, update: Update) -> Result<BinaryNetwork, infoscope_nets::NetsError> {
    let w = WidthDensityBalance {
        n,
        width: 1.0,
        density: 1.0,
        balance: 0.0,
        magnitude: Magnitude::HalfNormal,
        diagonal: false,
    }
    .sample(1)?;
    BinaryNetwork::new(w, Array1::zeros(n), Coding::Binary, 1.0, update)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let options = ExactOptions {
        method: StationaryMethod::Power,
        ..ExactOptions::default()
    };
    for &n in &sizes {
        for update in [Update::Synchronous, Update::Asynchronous] {
            let net = network(n, update)?;
            let start = Instant::now();
            let t = Transition::new(&net)?;
            let build = start.elapsed().as_secs_f64();
            let p = vec![1.0 / t.n_states() as f64; t.n_states()];
            let mut q = p.clone();
            let a = Instant::now();
            t.apply(&p, &mut q)?;
            let apply = a.elapsed().as_secs_f64();
            let s = stationary(&t, &options)?;
            drop(t);
            let total_start = Instant::now();
            let r = stationary_flux(&net, &options)?;
            let total = total_start.elapsed().as_secs_f64();
            println!(
                "N={n:2} {update:?}: build {build:.3}s, one apply {apply:.4}s, {} iterations, \
                 total {total:.2}s, I = {:.6} bits (tv {:.1e})",
                s.iterations,
                r.flux.information_bits(),
                r.stationary.residual
            );
        }
    }
    for update in [Update::Synchronous, Update::Asynchronous] {
        let n = 1000;
        let w = WidthDensityBalance {
            n,
            width: 1.0 / (n as f64).sqrt(),
            density: 1.0,
            balance: 0.0,
            magnitude: Magnitude::HalfNormal,
            diagonal: false,
        }
        .sample(2)?;
        let sim = Simulator::new(
            w.view(),
            Array1::zeros(n).view(),
            Coding::Binary,
            1.0,
            update,
        )?;
        let steps = 100_000;
        let start = Instant::now();
        let run = sim.run(1, 1000, steps)?;
        let secs = start.elapsed().as_secs_f64();
        let per_step = match update {
            Update::Synchronous => n as f64,
            Update::Asynchronous => 1.0,
        };
        let m = Instant::now();
        let proxies = run_moments(&run)?.proxies();
        let msecs = m.elapsed().as_secs_f64();
        println!(
            "simulate N={n} {update:?}: {steps} steps (+1000 burn-in) in {secs:.2}s = {:.3e} \
             neuron-updates/s; moments {msecs:.2}s; lagged C_rms {:?}",
            per_step * (steps + 1000) as f64 / secs,
            proxies.lagged_all.value
        );
    }
    // A near-deterministic N-rooks network (strength 8, bias −4): few neurons change per step.
    let n = 1000;
    let (w, _) = Rooks {
        n,
        strength: 8.0,
        background: 0.01,
        diagonal: false,
    }
    .sample(3)?;
    let sim = Simulator::new(
        w.view(),
        Array1::from_elem(n, -4.0).view(),
        Coding::Binary,
        1.0,
        Update::Synchronous,
    )?;
    let start = Instant::now();
    let _run = sim.run(1, 1000, 100_000)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "simulate N={n} rooks Synchronous: 100000 steps (+1000 burn-in) in {secs:.2}s = {:.3e} \
         neuron-updates/s",
        n as f64 * 101_000.0 / secs
    );
    Ok(())
}
