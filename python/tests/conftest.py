"""Shared fixtures: seeded data, and the `infoscope` command-line tool as the Rust reference."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cli_path() -> Path | None:
    env = os.environ.get("INFOSCOPE_CLI")
    if env:
        return Path(env)
    for candidate in (ROOT / "target/debug/infoscope", ROOT / "target/release/infoscope"):
        if candidate.exists():
            return candidate
    found = shutil.which("infoscope")
    return Path(found) if found else None


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `infoscope` binary (`make python-test` builds it and sets INFOSCOPE_CLI). Missing
    in CI is a failure, elsewhere a skip."""
    path = _cli_path()
    if path is None or not path.exists():
        if os.environ.get("CI"):
            pytest.fail("the infoscope CLI is needed as the Rust reference (set INFOSCOPE_CLI)")
        pytest.skip("the infoscope CLI is not built (cargo build -p infoscope-cli)")
    return path


@pytest.fixture()
def run_cli(cli: Path, tmp_path: Path) -> Callable[..., Dict[str, Any]]:
    """Run `infoscope estimate|pairwise ... --json` with arrays written as .npy files.
    Keyword arguments that are arrays become `--name file.npy`; others `--name value`;
    `True` becomes a bare flag."""

    def run(command: str, **options: Any) -> Dict[str, Any]:
        args = [str(cli), command]
        for name, value in options.items():
            flag = "--" + name.replace("_", "-")
            if isinstance(value, np.ndarray):
                path = tmp_path / f"{name}.npy"
                np.save(path, value)
                args += [flag, str(path)]
            elif value is True:
                args.append(flag)
            else:
                args += [flag, str(value)]
        if command == "estimate":
            args.append("--json")
        out = subprocess.run(args, capture_output=True, text=True, check=False)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if command == "estimate" else {}

    return run


@pytest.fixture()
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture()
def gaussian_pair(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """x ~ N(0, I_2), y = x·A + noise: 600 samples, 2 + 1 dims, tie-free."""
    x = rng.normal(size=(600, 2))
    y = x @ np.array([[0.8], [-0.5]]) + 0.6 * rng.normal(size=(600, 1))
    return x, y
