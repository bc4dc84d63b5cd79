#!/usr/bin/env python3
"""Compare two builds of `infoscope estimate` on a battery of commands, number by number.

    python3 scripts/compare_estimates.py OLD_INFOSCOPE NEW_INFOSCOPE

Writes seeded test data to a temporary folder, runs every command of ``COMMANDS`` (every
method; conditional MI; labels with one and two columns; ties with noise and z-scoring;
surrogate tests and bootstrap intervals; Kolchinsky–Tracey bounds; per-unit tests) with
``--json`` through both binaries, and compares every numeric leaf outside ``config``,
``diagnostics`` and ``inputs`` exactly. Exit status 0 when every number is equal. Needs numpy.
Used for refactors that must not change a number (issue 14: 22 commands, 0 differences).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

COMMANDS: List[List[str]] = [
    ["--method", "gaussian", "--x", "x.npy", "--y", "y.npy"],
    ["--method", "gaussian", "--x", "x.npy", "--y", "y.npy", "--z", "z.npy"],
    ["--method", "gaussian", "--x", "x.npy"],
    ["--method", "ksg", "--x", "x.npy", "--y", "y.npy", "--k", "4"],
    ["--method", "ksg", "--x", "x.npy", "--y", "y.npy", "--algorithm", "2"],
    ["--method", "ksg", "--x", "tied.npy", "--y", "y.npy", "--normalize", "--noise", "1e-8", "--seed", "3"],
    ["--method", "ksg", "--x", "x.npy", "--y", "y.npy", "--z", "z.npy", "--theiler", "2"],
    ["--method", "ksg", "--x", "x.npy"],
    ["--method", "kl", "--x", "x.npy", "--k", "5"],
    ["--method", "binned", "--x", "x.npy", "--y", "lab.npy", "--bins", "unit-minmax:3", "--correction", "miller-madow"],
    ["--method", "binned", "--x", "x.npy", "--y", "lab2.npy", "--bins", "quantile:4"],
    ["--method", "binned", "--x", "x.npy", "--y", "y.npy", "--bins", "quantile:4", "--correction", "jackknife"],
    ["--method", "binned", "--x", "x.npy", "--y", "lab.npy", "--z", "z.npy"],
    ["--method", "binned", "--x", "x.npy", "--bins", "fixed-edges:-1:1:30"],
    ["--method", "binned", "--x", "x.npy", "--y", "lab.npy", "--permutations", "99", "--bootstrap", "50", "--seed", "2"],
    ["--method", "binned", "--x", "x.npy", "--y", "y.npy", "--permutations", "99", "--bootstrap", "50", "--seed", "2"],
    ["--method", "gaussian", "--x", "x.npy", "--y", "y.npy", "--permutations", "99", "--bootstrap", "50", "--seed", "2", "--surrogate", "block:20"],
    ["--method", "ksg", "--x", "x.npy", "--y", "y.npy", "--permutations", "39", "--bootstrap", "20", "--seed", "5", "--surrogate", "circular:50"],
    ["--method", "kt", "--noise-var", "0.5", "--x", "h.npy", "--labels", "lab.npy", "--permutations", "39", "--bootstrap", "20", "--seed", "1"],
    ["--method", "kt", "--noise-var", "0.5", "--x", "h.npy", "--bootstrap", "20"],
    ["--method", "kt", "--noise-var", "0.5", "--x", "h.npy", "--entropy"],
    ["--method", "binned", "--x", "h.npy", "--y", "lab.npy", "--per-unit", "--permutations", "49", "--bins", "unit-minmax:3"],
]

SKIPPED = {"config", "diagnostics", "inputs", "warnings", "method", "quantity"}


def write_data(folder: Path) -> None:
    rng = np.random.default_rng(3)
    n = 400
    x = rng.normal(size=(n, 2))
    lab = rng.integers(0, 4, size=n)
    arrays = {
        "x": x,
        "y": x[:, :1] + rng.normal(size=(n, 1)),
        "z": rng.normal(size=(n, 1)),
        "lab": lab,
        "lab2": np.stack([lab, rng.integers(0, 2, size=n)], 1),
        "tied": np.round(x * 2) / 2,
        "h": x + lab[:, None] * 0.8,
    }
    for name, a in arrays.items():
        np.save(folder / f"{name}.npy", a)


def numbers(v: Any, path: str = "") -> Dict[str, float]:
    out: Dict[str, float] = {}
    if isinstance(v, dict):
        for k, w in v.items():
            if k not in SKIPPED:
                out.update(numbers(w, f"{path}/{k}"))
    elif isinstance(v, list):
        for i, w in enumerate(v):
            out.update(numbers(w, f"{path}[{i}]"))
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        out[path] = v
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    old, new = (str(Path(p).resolve()) for p in sys.argv[1:3])
    differing = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_data(folder)
        for args in COMMANDS:
            results = []
            for exe in (old, new):
                out = subprocess.run([exe, "estimate", *args, "--json"], capture_output=True, text=True, cwd=folder)
                if out.returncode != 0:
                    print(f"FAIL {exe} {' '.join(args)}: {out.stderr.strip()}")
                    results.append(None)
                else:
                    results.append(numbers(json.loads(out.stdout)))
            a, b = results
            if a is None or b is None:
                differing += 1
                continue
            diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
            differing += bool(diff)
            print("DIFF" if diff else "OK  ", " ".join(args), list(diff.items())[:3] if diff else "")
    print(f"commands: {len(COMMANDS)}, with differences: {differing}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
