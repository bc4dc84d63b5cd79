//! Computation without the GIL, on a bounded Rust thread pool.
//!
//! `threads=None` runs on rayon's global pool (all cores); `threads=n` on a pool of `n`
//! threads owned by the calling Python thread (built on its first such call and kept until the
//! thread ends), so concurrent callers, e.g. the threads of a Dask worker, never queue on one
//! another's pool. Results never depend on the thread count (DESIGN.md §5), so `threads` only
//! trades speed for cores.

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use pyo3::prelude::*;
use rayon::ThreadPool;

use crate::errors::{Error, Result, param};
use crate::ints::Int;

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

/// Run `f` with the GIL released, on `threads` Rust threads (`None`: all cores). A panic in
/// `f` (a bug: the core returns typed errors) is caught here, the one path every computation
/// takes, and becomes an `InternalError` with its message instead of a `PanicException`
/// (a `BaseException` that `except Exception` would miss).
///
/// # Errors
/// `InvalidParameterError` named `threads` for 0, a negative value or more than 1024, or when
/// the pool cannot start; `InternalError` when `f` panics.
pub(crate) fn compute<T, F>(py: Python<'_>, threads: Option<Int>, f: F) -> Result<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    let guarded = move || catch_unwind(AssertUnwindSafe(f)).map_err(panic_error);
    let Some(threads) = threads else {
        return py.detach(guarded);
    };
    match threads.usize("threads") {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => {
            let p = pool(n)?;
            py.detach(|| p.install(guarded))
        }
        _ => Err(param(
            "threads",
            format!("must lie in 1..={MAX_THREADS} (or None for all cores), got {threads}"),
        )),
    }
}

/// The `InternalError` of a caught panic, with the panic's message.
fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    Error::Internal(message)
}

/// A computation that panics, for the tests of the panic guard of [`compute`] only (hidden:
/// `infoscope._core._panic_for_test`).
#[pyfunction]
pub(crate) fn _panic_for_test(py: Python<'_>) -> Result<()> {
    #[allow(clippy::panic)]
    compute(py, None, || panic!("deliberate panic for the tests"))
}
