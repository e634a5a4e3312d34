"""Time every notebook in full mode (or quick with --quick), as a learner's Run All would, and
print a Markdown table: wall seconds per notebook and its slowest cells.

    .venv/bin/python scripts/time_notebooks.py [--quick] [NN ...]

The notebooks run from the pristine folder in a scratch working directory (nothing written back).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


class TimedClient(NotebookClient):
    """Records each cell's wall time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_seconds: list[tuple[float, int, str]] = []

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        started = time.perf_counter()
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        if cell.cell_type == "code":
            first = (cell.source.strip().splitlines() or [""])[0][:50]
            self.cell_seconds.append((time.perf_counter() - started, cell_index, first))
        return result


def time_one(path: Path, work: Path) -> tuple[float, list[tuple[float, int, str]]]:
    nb = nbformat.read(path, as_version=4)
    from gomemlab.kernels import private_kernel

    with private_kernel() as kernel:
        client = TimedClient(
            nb, km=kernel, timeout=900, resources={"metadata": {"path": str(work)}}
        )
        started = time.perf_counter()
        client.execute()
    return time.perf_counter() - started, sorted(client.cell_seconds, reverse=True)[:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    os.environ["GOMEMLAB_QUICK"] = "1" if args.quick else "0"
    sys.path.insert(0, str(ROOT / "helpers"))
    from gomemlab.settings import scratch_root

    work = scratch_root() / "timing"
    work.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in args.names)]
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"mode: {'quick' if args.quick else 'full'}; load average at start: {load}\n")
    print("| notebook | seconds | slowest cells (s) |\n|---|---|---|")
    for path in paths:
        seconds, slowest = time_one(path, work)
        cells = "; ".join(f"{s:.1f} `{text}`" for s, _, text in slowest)
        print(f"| {path.stem} | {seconds:.1f} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
