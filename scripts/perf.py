"""`make perf`: the lab's speed targets, measured, as one table.

Each `scripts/perf_*.py` module defines `measure() -> list[Row]`; this script runs them all.
A Row is a dict: name, value (float), unit, target (text, or "" for information only), ok
(True/False, or None when there is no target).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    sys.path.insert(0, str(HERE))
    rows = []
    for path in sorted(HERE.glob("perf_*.py")):
        rows += _load(path).measure()
    width = max(len(row["name"]) for row in rows)
    print(f"{'measure':<{width}}  {'value':>12}  {'unit':<10} {'target':<14} verdict")
    for row in rows:
        verdict = {True: "ok", False: "MISSED", None: ""}[row["ok"]]
        print(
            f"{row['name']:<{width}}  {row['value']:>12.3f}  {row['unit']:<10} "
            f"{row['target']:<14} {verdict}"
        )
    return 1 if any(row["ok"] is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
