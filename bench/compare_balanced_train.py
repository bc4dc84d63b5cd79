"""Time one training step of the balanced tracking network (SPEC.md §8) in PyTorch on CPU.

Same model as infoscope_nets::balanced::train (N = 100, S = 1, B = 10, T = 50, f64):
h <- h + dt(-h + J relu(h) + W_s s_t / S) + sigma sqrt(dt) xi, readout W_r relu(h) / N,
loss over t >= T/5 of ||r - s/b||^2 + 1e-4 ||h||^2 divided by B T S, Adam(1e-3) on
(J, W_s, W_r) with the diagonal of J masked. One step = fresh OU batch and noise, forward,
autograd backward, Adam update. Prints the median over 200 steps after 20 warm-up steps.

Run (torch in a scratch venv, never a project dependency):
    python3 -m venv /tmp/venv-torch && /tmp/venv-torch/bin/pip install torch numpy
    /tmp/venv-torch/bin/python bench/compare_balanced_train.py [--threads K]
and compare with
    cargo run --release -p infoscope-nets --example balanced_train -- --step-bench
"""

import argparse
import math
import statistics
import time

import torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    dt_ = torch.float64
    n, s, b, t_steps = 100, 1, 10, 50
    dt, tau_s, bal, g, sigma = 0.2, 0.1, 1.0, 0.032, 1.0
    i1 = 0.1 * bal
    a = math.exp(-dt / tau_s)
    q = i1 * math.sqrt((1 - math.exp(-2 * dt / tau_s)) / (2 * tau_s))
    j = (g * torch.randn(n, n, dtype=dt_) / math.sqrt(n) - bal / n)
    mask = 1.0 - torch.eye(n, dtype=dt_)
    j = (j * mask).requires_grad_()
    ws = (1 + 0.01 * torch.randn(n, s, dtype=dt_)).requires_grad_()
    wr = (1 + 0.2 * torch.randn(s, n, dtype=dt_)).requires_grad_()
    j.register_hook(lambda grad: grad * mask)
    opt = torch.optim.Adam([j, ws, wr], lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    x0 = torch.randn(n, dtype=dt_)
    t0 = t_steps // 5

    def batch():
        ou = torch.zeros(b, s, dtype=dt_)
        stim = []
        for t in range(t_steps):
            if t > 0:
                ou = a * ou + q * torch.randn(b, s, dtype=dt_)
            stim.append(bal + ou)
        return torch.stack(stim), sigma * math.sqrt(dt) * torch.randn(t_steps, b, n, dtype=dt_)

    def step():
        stim, noise = batch()
        h = x0.expand(b, n)
        loss = 0.0
        for t in range(t_steps):
            h = h + dt * (-h + torch.relu(h) @ j.T + stim[t] @ ws.T / s) + noise[t]
            if t >= t0:
                r = torch.relu(h) @ wr.T / n
                loss = loss + ((r - stim[t] / bal) ** 2).sum() + 1e-4 * (h**2).sum()
        loss = loss / (b * t_steps * s)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(20):
        step()
    times = []
    for _ in range(args.steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    print(
        f"pytorch {torch.__version__} step (N=100, B=10, T=50, f64, forward+autograd+Adam, "
        f"{args.threads} thread(s)): median {statistics.median(times) * 1e6:.1f} µs over {args.steps} steps"
    )


if __name__ == "__main__":
    main()
