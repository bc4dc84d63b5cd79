//! Times one estimator call from Rust, for `bench/py_overhead.py` (which times the same call
//! on the same arrays from Python): `call_timing METHOD X.npy Y.npy REPS` prints JSON with the
//! median wall time per call (ns) and the value (nats).
//!
//! METHOD is any method of the estimator specification with its defaults (`ksg`: k = 3,
//! algorithm 1; `gaussian`: no ridge), built and called as every face builds and calls it
//! ([`EstimatorSpec`] → [`infoscope_estimators::Estimator`]).

use std::time::Instant;

use anyhow::{Context, Result, bail};
use infoscope_estimators::spec::EstimatorSpec;
use infoscope_io::{ArraySource, read_array};
use ndarray::{Array2, Axis, Ix1, Ix2};

fn matrix(path: &str) -> Result<Array2<f64>> {
    let a = read_array(&ArraySource::parse(path))
        .with_context(|| format!("reading {path}"))?
        .into_f64();
    Ok(match a.ndim() {
        1 => a.into_dimensionality::<Ix1>()?.insert_axis(Axis(1)),
        _ => a.into_dimensionality::<Ix2>()?,
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, method, x, y, reps] = args.as_slice() else {
        bail!("usage: call_timing METHOD X.npy Y.npy REPS");
    };
    let (x, y) = (matrix(x)?, matrix(y)?);
    let reps: usize = reps.parse().context("REPS")?;
    let estimator = EstimatorSpec::from_fields(method, serde_json::Map::new())?.check()?;
    let est = || -> Result<f64> {
        match estimator.mutual_information(x.view(), y.view())?.point() {
            Some(e) => Ok(e.nats()),
            None => bail!("{method} gives bounds, not one value"),
        }
    };
    let value = est()?;
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        std::hint::black_box(est()?);
        times.push(t.elapsed().as_nanos() as f64);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("{{\"median_ns\": {median}, \"value_nats\": {value:?}}}");
    Ok(())
}
