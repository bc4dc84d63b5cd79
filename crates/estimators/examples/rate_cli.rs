//! The spectral information rate between two `.npy`/`.npz` series, printed as JSON: a stand-in
//! for `infoscope rate` until the CLI has it, used by `bench/compare_rate.py`.
//!
//! ```sh
//! cargo run --release -p infoscope-estimators --example rate_cli -- \
//!     --x s.npy --y r.npy [--nperseg 256] [--overlap 0.5] [--window hann|boxcar] \
//!     [--detrend constant|none] [--dt 1] [--cutoff F] \
//!     [--baseline none|circular_shift|segment_shuffle] [--n-baseline 10] [--seed 0] \
//!     [--unit nats|bits] [--repeat 1] [--full]
//! ```
//!
//! Arrays are `[samples]` or `[samples, channels]` (`FILE.npz:key` selects an archive member).
//! The output is `{"estimate": …, "seconds": [...]}`: the estimate (its `frequencies`,
//! `density` and `coherence` only with `--full`) and the wall time of each of `--repeat` calls
//! of `InformationRate::rate`, reading the files excluded.

use std::error::Error;
use std::time::Instant;

use infoscope_estimators::Unit;
use infoscope_estimators::spectral::InformationRate;
use infoscope_io::{ArraySource, read_matrix};

fn main() -> Result<(), Box<dyn Error>> {
    let mut params = InformationRate::params();
    let (mut x, mut y) = (None, None);
    let (mut unit, mut repeat, mut full) = (Unit::Nats, 1usize, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--full" {
            full = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--x" => x = Some(value),
            "--y" => y = Some(value),
            "--nperseg" => params = params.nperseg(value.parse()?),
            "--overlap" => params = params.overlap(value.parse()?),
            "--window" => params = params.window(value.parse()?),
            "--detrend" => params = params.detrend(value.parse()?),
            "--dt" => params = params.dt(value.parse()?),
            "--cutoff" => params = params.cutoff(value.parse()?),
            "--baseline" => params = params.baseline(value.parse()?),
            "--n-baseline" => params = params.n_baseline(value.parse()?),
            "--seed" => params = params.seed(value.parse()?),
            "--unit" => unit = value.parse()?,
            "--repeat" => repeat = value.parse::<usize>()?.max(1),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let (x, _) = read_matrix(&ArraySource::parse(&x.ok_or("--x is required")?))?;
    let (y, _) = read_matrix(&ArraySource::parse(&y.ok_or("--y is required")?))?;
    let estimator = params.check()?;
    let mut seconds = Vec::with_capacity(repeat);
    let mut estimate = None;
    for _ in 0..repeat {
        let start = Instant::now();
        let out = estimator.rate(x.view(), y.view())?;
        seconds.push(start.elapsed().as_secs_f64());
        estimate = Some(out);
    }
    let mut estimate = estimate.ok_or("no estimate")?.in_unit(unit);
    if !full {
        estimate.frequencies.clear();
        estimate.density.clear();
        estimate.coherence = None;
    }
    let out = serde_json::json!({ "estimate": estimate, "seconds": seconds });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
