"""A straightforward numpy dense implementation of the exact information flux of a
stochastic binary network (SPEC.md §7), for comparison with infoscope's factorised one
(issue #17).

Dense T (2^N x 2^N, built by broadcasting the per-neuron factors), pi by power iteration to
1e-12 in total variation from the uniform distribution, q = pi T and
I = sum pi T ln(T / q). Same network as `crates/nets/examples/binary_flux_bench.rs` is NOT
reproduced bit for bit (different RNG); the timing is what is compared.

    /tmp/venv/bin/python bench/flux_numpy.py 10 12 13
"""

import sys
import time

import numpy as np


def dense_flux(w, b, tol=1e-12, max_iter=100_000):
    n = len(b)
    states = np.arange(2**n)
    y = ((states[:, None] >> np.arange(n)) & 1).astype(np.float64)  # 2^N x N
    p = 1.0 / (1.0 + np.exp(-(y @ w.T + b)))  # p[s, i]
    # T[s, s'] = prod_i p_i(s)^{s'_i} (1 - p_i(s))^{1 - s'_i}
    t = np.ones((2**n, 2**n))
    for i in range(n):
        t *= np.where(y[None, :, i] == 1.0, p[:, i : i + 1], 1.0 - p[:, i : i + 1])
    pi = np.full(2**n, 2.0**-n)
    for it in range(1, max_iter + 1):
        nxt = pi @ t
        nxt /= nxt.sum()
        tv = 0.5 * np.abs(nxt - pi).sum()
        pi = nxt
        if tv <= tol:
            break
    q = pi @ t
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = pi[:, None] * t * np.log(t / q[None, :])
    info = np.nansum(terms)
    return info / np.log(2), it


def main():
    # Sanity check against SPEC.md §7: the antisymmetric N = 3 case has I = 1.406515 bits.
    anti = np.array([[0.0, 4.0, -4.0], [-4.0, 0.0, 4.0], [4.0, -4.0, 0.0]])
    bits, _ = dense_flux(anti, np.zeros(3))
    assert abs(bits - 1.406515) < 1e-6, bits
    rng = np.random.default_rng(1)
    for n in [int(a) for a in sys.argv[1:]] or [10, 12]:
        w = np.abs(rng.normal(0.0, 1.0, (n, n))) * rng.choice([-1.0, 1.0], (n, n))
        np.fill_diagonal(w, 0.0)
        b = np.zeros(n)
        start = time.perf_counter()
        bits, iters = dense_flux(w, b)
        secs = time.perf_counter() - start
        print(f"numpy dense N={n}: {secs:.2f}s, {iters} iterations, I = {bits:.6f} bits, "
              f"dense T {8 * 4**n / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
