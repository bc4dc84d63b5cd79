#!/usr/bin/env python3
"""Time one leaky-RNN training step in PyTorch (CPU) next to infoscope's criterion bench.

The step is the one ``crates/nets/benches/train_step.rs`` times as
``train_step/leaky_256_b64_t100``: the leaky RNN of Yang et al. (2019) with 256 softplus
units, 85 inputs, 33 sigmoid outputs, alpha = 0.2 and recurrent noise
sqrt(2 / alpha) * 0.05 inside the nonlinearity; a batch of 64 trials of 100 time steps;
the masked squared loss; backpropagation through time (autograd); and one Adam update
(lr 1e-3). The input projection is computed for all steps with one matmul, as infoscope
does, so PyTorch is not handicapped by a naive loop.

PyTorch runs with ``torch.set_num_threads(2)`` (infoscope uses the same two cores through
rayon). The script reports the median of ``--steps`` timed steps after ``--warmup`` steps.

Install PyTorch (CPU) with one of:
    python3 -m pip install torch --index-url https://download.pytorch.org/whl/cpu
    python3 -m pip install torch

Run from the repository root, after the criterion bench:
    cargo bench -p infoscope-nets --bench train_step -- --warm-up-time 2 --measurement-time 10
    python3 bench/compare_train_step.py            # reads target/criterion/... if present
    python3 bench/compare_train_step.py --criterion PATH   # a criterion dir or estimates.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

BENCH_ID = "train_step_leaky_256_b64_t100"
N_TIME, N_BATCH, N_INPUT, N_RNN, N_OUTPUT = 100, 64, 85, 256, 33
ALPHA, SIGMA_REC = 0.2, 0.05


def torch_step_median(steps: int, warmup: int, threads: int) -> float:
    """Median seconds of one PyTorch training step."""
    try:
        import torch
    except ImportError:
        sys.exit(
            "PyTorch is not installed: python3 -m pip install torch "
            "--index-url https://download.pytorch.org/whl/cpu"
        )
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    f32 = torch.float32

    w_in = (torch.randn(N_INPUT, N_RNN, generator=gen) / N_INPUT**0.5).requires_grad_()
    w_rec = (0.5 * torch.eye(N_RNN)).requires_grad_()
    b_rec = torch.zeros(N_RNN, requires_grad=True)
    limit = (6.0 / (N_RNN + N_OUTPUT)) ** 0.5
    w_out = ((torch.rand(N_RNN, N_OUTPUT, generator=gen) * 2 - 1) * limit).requires_grad_()
    b_out = torch.zeros(N_OUTPUT, requires_grad=True)
    params = [w_in, w_rec, b_rec, w_out, b_out]
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    x = 0.3 * torch.randn(N_TIME, N_BATCH, N_INPUT, generator=gen, dtype=f32)
    y = torch.rand(N_TIME, N_BATCH, N_OUTPUT, generator=gen, dtype=f32)
    m = torch.ones(N_TIME, N_BATCH, N_OUTPUT, dtype=f32)
    noise_std = (2.0 / ALPHA) ** 0.5 * SIGMA_REC
    softplus = torch.nn.functional.softplus

    def step() -> float:
        u = x @ w_in + b_rec  # input drive for every step, one matmul
        noise = noise_std * torch.randn(N_TIME, N_BATCH, N_RNN, generator=gen)
        h = torch.zeros(N_BATCH, N_RNN)
        hs = []
        for t in range(N_TIME):
            pre = u[t] + h @ w_rec + noise[t]
            h = (1.0 - ALPHA) * h + ALPHA * softplus(pre)
            hs.append(h)
        out = torch.sigmoid(torch.stack(hs) @ w_out + b_out)
        loss = (((y - out) * m) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.detach().item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {steps} steps")
    return statistics.median(times)


def criterion_median(path: Path | None) -> float | None:
    """Median seconds from a criterion estimates.json (or its benchmark directory)."""
    candidates = (
        [path]
        if path is not None
        else [Path("target/criterion") / BENCH_ID / "new" / "estimates.json"]
    )
    for p in candidates:
        if p.is_dir():
            p = p / "new" / "estimates.json"
        if p.is_file():
            estimates = json.loads(p.read_text())
            return estimates["median"]["point_estimate"] * 1e-9
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--criterion", type=Path, help="criterion bench dir or estimates.json")
    parser.add_argument("--steps", type=int, default=20, help="timed steps (≥ 10)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch_s = torch_step_median(max(args.steps, 10), args.warmup, args.threads)
    print(f"pytorch   median {torch_s * 1e3:8.2f} ms / step")
    ours = criterion_median(args.criterion)
    if ours is None:
        print("infoscope median: no criterion result found (run the cargo bench first)")
        return
    print(f"infoscope median {ours * 1e3:8.2f} ms / step")
    print(f"speed-up (pytorch / infoscope): {torch_s / ours:.2f}x")


if __name__ == "__main__":
    main()
