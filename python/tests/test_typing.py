"""The type stubs match the extension (mypy's stubtest: every function, parameter name and
default), and the package type-checks under `mypy --strict` with them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]

pytest.importorskip("mypy")


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PYTHON_DIR, capture_output=True, text=True, check=False
    )


def test_stubs_match_the_extension():
    out = mypy("mypy.stubtest", "infoscope._core")
    assert out.returncode == 0, out.stdout + out.stderr


def test_package_is_strictly_typed():
    out = mypy("mypy", "--strict", "--cache-dir", str(PYTHON_DIR.parent / "target/mypy"), "infoscope")
    assert out.returncode == 0, out.stdout + out.stderr
    assert (PYTHON_DIR / "infoscope/py.typed").exists()
