//! Computation without the GIL, on a bounded Rust thread pool.
//!
//! `threads=None` runs on rayon's global pool (all cores); `threads=n` on a pool of `n`
//! threads owned by the calling Python thread (built on its first such call and kept until the
//! thread ends), so concurrent callers, e.g. the threads of a Dask worker, never queue on one
//! another's pool. Results never depend on the thread count (DESIGN.md §5), so `threads` only
//! trades speed for cores.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use pyo3::prelude::*;
use rayon::ThreadPool;

use crate::errors::{Result, param};

/// The largest pool size accepted (a guard against typos such as `threads=10**6`).
const MAX_THREADS: usize = 1024;

thread_local! {
    /// The calling thread's pools, by size.
    static POOLS: RefCell<HashMap<usize, Arc<ThreadPool>>> = RefCell::new(HashMap::new());
}

fn pool(threads: usize) -> Result<Arc<ThreadPool>> {
    if let Some(p) = POOLS.with_borrow(|pools| pools.get(&threads).cloned()) {
        return Ok(p);
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("infoscope-{threads}-{i}"))
        .build()
        .map_err(|e| param("threads", format!("cannot start {threads} threads: {e}")))?;
    let p = Arc::new(p);
    POOLS.with_borrow_mut(|pools| pools.insert(threads, Arc::clone(&p)));
    Ok(p)
}

/// Run `f` with the GIL released, on `threads` Rust threads (`None`: all cores).
///
/// # Errors
/// `InvalidParameterError` named `threads` for 0 or more than 1024, or when the pool cannot
/// start.
pub(crate) fn compute<T, F>(py: Python<'_>, threads: Option<usize>, f: F) -> Result<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    match threads {
        None => Ok(py.detach(f)),
        Some(n) if n == 0 || n > MAX_THREADS => Err(param(
            "threads",
            format!("must lie in 1..={MAX_THREADS} (or None for all cores), got {n}"),
        )),
        Some(n) => {
            let p = pool(n)?;
            Ok(py.detach(|| p.install(f)))
        }
    }
}
