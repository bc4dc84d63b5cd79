"""The MI of correlated Gaussians rounded to a grid, and how KSG tie rules fare against it.

Reference values for `crates/estimators/tests/it/ksg_edges.rs` (issue 15, item 5): for
(X, Y) standard bivariate normal with correlation rho, rounded to multiples of g (cells
[(i - 1/2) g, (i + 1/2) g)), the MI of the rounded variables is a finite sum over grid cells of
P(cell) ln(P(cell) / (P(x cell) P(y cell))), with
P(cell) = integral over the x cell of phi(x) [Phi((b - rho x)/s) - Phi((a - rho x)/s)] dx,
s = sqrt(1 - rho^2), by 40-point Gauss-Legendre per x cell out to |x| <= 8 (the mass beyond
is below 1e-15).

    python scripts/ksg_ties_grid.py            # the reference table
    python scripts/ksg_ties_grid.py --compare  # plus tie rules on samples (needs scipy's cKDTree)

Needs numpy and scipy (a scratch environment; neither is a project dependency).
"""

import sys

import numpy as np
from scipy.special import digamma
from scipy.stats import norm


def rounded_mi(rho: float, g: float, lim: float = 8.0) -> float:
    """MI (nats) of a standard bivariate normal with correlation rho rounded to a grid g."""
    s = np.sqrt(1.0 - rho**2)
    m = int(np.ceil(lim / g))
    edges = (np.arange(-m, m + 2) - 0.5) * g
    nodes, weights = np.polynomial.legendre.leggauss(40)
    p = np.zeros((len(edges) - 1, len(edges) - 1))
    for i in range(len(edges) - 1):
        a, b = edges[i], edges[i + 1]
        x = (a + b) / 2 + (b - a) / 2 * nodes
        w = (b - a) / 2 * weights * norm.pdf(x)
        cdf = norm.cdf((edges[None, :] - rho * x[:, None]) / s)
        p[i] = (w[:, None] * np.diff(cdf, axis=1)).sum(0)
    px, py = p.sum(1), p.sum(0)
    nz = p > 0
    return float((p[nz] * np.log(p[nz] / np.outer(px, py)[nz])).sum())


def ksg1(x, y, k=3, gao=False):
    """KSG algorithm 1 (max-norm, strict counts); with gao, zero distances by Gao et al."""
    from scipy.spatial import cKDTree

    n = len(x)
    xy = np.c_[x, y]
    t, tx, ty = cKDTree(xy), cKDTree(x[:, None]), cKDTree(y[:, None])
    rho = t.query(xy, k + 1, p=np.inf)[0][:, k]
    zero = rho == 0
    r = np.where(zero, 0.0, np.nextafter(rho, 0))
    nx = np.array(tx.query_ball_point(x[:, None], r, p=np.inf, return_length=True)) - 1
    ny = np.array(ty.query_ball_point(y[:, None], r, p=np.inf, return_length=True)) - 1
    kt = np.array(t.query_ball_point(xy, 0.0, p=np.inf, return_length=True))
    kk = np.where(zero & gao, kt, k)
    return float(np.mean(digamma(kk) + digamma(n) - digamma(nx + 1) - digamma(ny + 1)))


def main() -> None:
    print("rho  grid  MI of the rounded variables (nats)")
    for rho in (0.3, 0.6, 0.9):
        for g in (0.1, 0.5):
            print(f"{rho}  {g}  {rounded_mi(rho, g):.6f}")
    if "--compare" not in sys.argv:
        return
    print("\nmean error over 6 seeds (nats): gao = ties kept, jitter = 1e-10 x sd")
    for rho in (0.3, 0.6, 0.9):
        for g in (0.1, 0.5):
            truth = rounded_mi(rho, g)
            for n in (2000, 20000):
                err = {"gao": [], "jitter": []}
                for seed in range(6):
                    rng = np.random.default_rng(100 + seed)
                    z = rng.standard_normal((n, 2))
                    x = np.round(z[:, 0] / g) * g
                    y = np.round((rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]) / g) * g
                    err["gao"].append(ksg1(x, y, gao=True) - truth)
                    jx = x + 1e-10 * x.std() * rng.standard_normal(n)
                    jy = y + 1e-10 * y.std() * rng.standard_normal(n)
                    err["jitter"].append(ksg1(jx, jy) - truth)
                cols = "  ".join(f"{k} {np.mean(v):+.3f}" for k, v in err.items())
                print(f"rho {rho} grid {g} n {n:5d}: {cols}")


if __name__ == "__main__":
    main()
