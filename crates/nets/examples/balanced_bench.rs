//! Throughput of the balanced-network simulator on the Figure-1 set-up of Engelken & Goedeke
//! (N = 4096, g = 2, Δt = τ/1024), in f32 and f64, B = 1 and B = 8 trials, against faer's
//! matrix product for the recurrent term alone; then which balance factors b keep the rates
//! bounded.
//!
//! `cargo run --release -p infoscope-nets --example balanced_bench -- [STEPS]` (default 256
//! steps per measurement; the full Figure-1 run is 64τ = 65 536 steps).

use std::time::Instant;

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use infoscope_nets::balanced::{
    BalancedNetwork, BalancedParams, Product, Real, SimOptions, Simulator,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let steps: usize = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with("--"))
        .map_or(Ok(256), |a| a.parse())?;
    let net = BalancedNetwork::new(BalancedParams::figure1(4.0), 1)?;
    let n = net.params().n;
    println!(
        "Figure-1 set-up: N = {n}, g = 2, b = 4, dt = τ/1024, {steps} steps per measurement, {} threads",
        rayon::current_num_threads()
    );
    for b in [1, 8] {
        for product in [Product::Sparse, Product::Dense] {
            bench::<f32>(&net, steps, b, product)?;
            bench::<f64>(&net, steps, b, product)?;
        }
        faer_product::<f32>(n, b, steps);
        faer_product::<f64>(n, b, steps);
    }
    if std::env::args().any(|a| a == "--no-stability") {
        return Ok(());
    }
    println!("stability (N = 1024, g = 2, 16τ, h(0) = 0):");
    for b in [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0] {
        let mut p = BalancedParams::figure1(b);
        p.n = 1024;
        let net = BalancedNetwork::new(p, 2)?;
        let mut o = SimOptions::new(8 * 1024, 1, 3);
        o.burn_in = 8 * 1024;
        match Simulator::<f32>::new(&net)?.run(&o) {
            Ok(run) => {
                let max = run.rate.iter().copied().fold(0.0, f64::max);
                let mean = run.rate.mean().unwrap_or(f64::NAN);
                println!(
                    "  b = {b:>4}: mean rate {mean:.3}, max {max:.3}, β = {:.3}, active {:.2}",
                    run.cancellation().population,
                    run.active_fraction
                );
            }
            Err(e) => println!("  b = {b:>4}: {e}"),
        }
    }
    Ok(())
}

fn bench<F: Real>(
    net: &BalancedNetwork,
    steps: usize,
    b: usize,
    product: Product,
) -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::<F>::with_product(net, product)?;
    let n = net.params().n;
    sim.run(&SimOptions::new(8, b, 0))?;
    let t = Instant::now();
    sim.run(&SimOptions::new(steps, b, 0))?;
    let secs = t.elapsed().as_secs_f64();
    let rate = (n * b * steps) as f64 / secs;
    println!(
        "  simulator {product:?} {}  B = {b}: {:.3e} neuron-steps/s ({:.2} ms/step; 64τ = 65536 steps ≈ {:.0} s)",
        F::NAME,
        rate,
        secs / steps as f64 * 1e3,
        secs / steps as f64 * 65536.0
    );
    Ok(())
}

/// faer's product J·R alone (N × N times N × B), for comparison with the whole simulator step.
fn faer_product<F: Real + faer::traits::ComplexField>(n: usize, b: usize, steps: usize) {
    let j = Mat::<F>::from_fn(n, n, |i, k| {
        F::from_f64(((i * 31 + k * 17) % 97) as f64 * 1e-3 - 0.05)
    });
    let r = Mat::<F>::from_fn(n, b, |i, t| F::from_f64(((i + t) % 13) as f64 * 0.1));
    let mut out = Mat::<F>::zeros(n, b);
    let t = Instant::now();
    for _ in 0..steps {
        matmul(
            out.as_mut(),
            Accum::Replace,
            j.as_ref(),
            r.as_ref(),
            F::from_f64(1.0),
            Par::Seq,
        );
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  faer product only {}  B = {b}: {:.3e} neuron-steps/s ({:.2} ms/step)",
        F::NAME,
        (n * b * steps) as f64 / secs,
        secs / steps as f64 * 1e3
    );
}
