"""The README's Python tour runs as written (each ```python block of its "Python" section, in
order, in one namespace; the PyTorch block only where torch is installed)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def blocks() -> list[str]:
    text = README.read_text()
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_python_tour_runs(tmp_path, capsys):
    found = blocks()
    assert len(found) >= 4, "the README's Python section lost its examples"
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for code in found:
            if "import torch" in code and importlib.util.find_spec("torch") is None:
                continue
            exec(compile(code, str(README), "exec"), namespace)
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "nats" in out and "bits" in out and "value_bits" in out
