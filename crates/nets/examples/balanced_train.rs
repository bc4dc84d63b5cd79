//! Train the tracking network of Engelken & Goedeke's code (SPEC.md §8).
//!
//! `cargo run --release -p infoscope-nets --example balanced_train -- [EPOCHS] [S...]`
//! trains S = 1 (and any further S given) for EPOCHS epochs (default 2000) and prints the test
//! error, balance and cancellation at the start and the end; for S > 1 also the k-means
//! clusters of J. `-- --step-bench` prints the median time of one training step (N = 100,
//! B = 10, T = 50) over 200 steps.

use std::time::Instant;

use infoscope_nets::balanced::{TrackConfig, Trainer, train};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--step-bench") {
        return step_bench();
    }
    let epochs: u64 = args.first().map_or(Ok(2000), |a| a.parse())?;
    let mut channels: Vec<usize> = args[1.min(args.len())..]
        .iter()
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    if channels.is_empty() {
        channels.push(1);
    }
    for s in channels {
        let mut config = TrackConfig::code(s);
        config.epochs = epochs;
        let mut start = Trainer::new(config, 1)?;
        println!(
            "S = {s}: start  test loss {:.4}  balance {:.3}  cancellation {:.3}",
            start.test_error(),
            start.balance(),
            start.cancellation().population
        );
        let t0 = Instant::now();
        let mut log = Vec::new();
        let mut trainer = train(config, 1, (epochs / 10).max(1), |t, loss| {
            log.push((t.epoch(), loss, t.balance()));
            std::ops::ControlFlow::Continue(())
        })?;
        let secs = t0.elapsed().as_secs_f64();
        for (epoch, loss, balance) in log {
            println!("  epoch {epoch:>7}  train loss {loss:.4}  balance {balance:.3}");
        }
        println!(
            "S = {s}: end    test loss {:.4}  balance {:.3}  cancellation {:.3}  ({epochs} epochs in {secs:.1} s)",
            trainer.test_error(),
            trainer.balance(),
            trainer.cancellation().population
        );
        let eig = trainer.eigenvalues()?;
        let lead = eig.first().copied().unwrap_or((0.0, 0.0));
        let most_negative = eig.iter().map(|e| e.0).fold(f64::INFINITY, f64::min);
        println!(
            "         eigenvalues of J·diag(φ'): leading re {:.3}, most negative re {most_negative:.3}",
            lead.0
        );
        if s > 1 {
            let c = trainer.clusters(7)?;
            println!(
                "         clusters {:?}  within {:.4}  between {:.4}",
                c.sizes, c.within, c.between
            );
        }
    }
    Ok(())
}

fn step_bench() -> Result<(), Box<dyn std::error::Error>> {
    let mut trainer = Trainer::new(TrackConfig::code(1), 1)?;
    for _ in 0..20 {
        trainer.step()?;
    }
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let t = Instant::now();
            let r = trainer.step();
            (t.elapsed().as_secs_f64(), r)
        })
        .map(|(t, r)| r.map(|_| t))
        .collect::<Result<_, _>>()?;
    times.sort_by(f64::total_cmp);
    println!(
        "rust step (N=100, B=10, T=50, f64, forward+BPTT+Adam): median {:.1} µs over 200 steps",
        times[100] * 1e6
    );
    Ok(())
}
