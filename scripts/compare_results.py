#!/usr/bin/env python3
"""Compare two results.json files leaf by leaf, outside their configuration and version fields.

    python3 scripts/compare_results.py OLD/results.json NEW/results.json

Every numeric leaf (and every null, which is how JSON writes NaN) must be bit-for-bit equal
and present in both files; string and boolean leaves that differ are listed as well. Skipped:
keys named ``config`` at any depth (the run's and each curve's estimator configuration),
``specs`` (the KT sweep's estimator specifications) and the top-level ``schema_version`` and
``infoscope_version``. Exit status 0 when every compared leaf is equal, 1 otherwise.
"""

from __future__ import annotations

import json
import math
import struct
import sys
from typing import Any, Dict, Iterator, Tuple

SKIPPED_ANYWHERE = {"config", "specs"}
SKIPPED_AT_TOP = {"schema_version", "infoscope_version"}


def leaves(value: Any, path: str = "") -> Iterator[Tuple[str, Any]]:
    """Every leaf of a JSON value with its path, skipping the configuration fields."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in SKIPPED_ANYWHERE or (path == "" and key in SKIPPED_AT_TOP):
                continue
            yield from leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from leaves(inner, f"{path}[{i}]")
    else:
        yield path, value


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def same(a: Any, b: Any) -> bool:
    """Exact equality; numbers compare by their bits (so -0.0 differs from 0.0)."""
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, numbers) and isinstance(b, numbers):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return bits(fa) == bits(fb)
    return bool(a == b) and type(a) is type(b)


def main(old_path: str, new_path: str) -> int:
    with open(old_path) as f:
        old: Dict[str, Any] = dict(leaves(json.load(f)))
    with open(new_path) as f:
        new: Dict[str, Any] = dict(leaves(json.load(f)))
    only_old = sorted(set(old) - set(new))
    only_new = sorted(set(new) - set(old))
    numeric = [p for p in old if p in new and (isinstance(old[p], (int, float)) or old[p] is None)]
    other = [p for p in old if p in new and p not in numeric]
    numeric_diff = [p for p in numeric if not same(old[p], new[p])]
    other_diff = [p for p in other if not same(old[p], new[p])]
    print(f"numeric leaves compared: {len(numeric)}, different: {len(numeric_diff)}")
    print(f"other leaves compared:   {len(other)}, different: {len(other_diff)}")
    print(f"leaves only in {old_path}: {len(only_old)}")
    print(f"leaves only in {new_path}: {len(only_new)}")
    for title, paths in [
        ("numeric differences", numeric_diff),
        ("other differences", other_diff),
        (f"only in {old_path}", only_old),
        (f"only in {new_path}", only_new),
    ]:
        if paths:
            print(f"{title} (first 20):")
            for p in paths[:20]:
                print(f"  {p}: {old.get(p)!r} -> {new.get(p)!r}")
    return 0 if not (numeric_diff or other_diff or only_old or only_new) else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
