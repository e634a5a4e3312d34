"""Failure rate of each code cell of a notebook, over repeated runs, optionally under load.

    .venv/bin/python scripts/check_rates.py notebooks/04-benchmarks.ipynb --runs 20 --busy 3
    .venv/bin/python scripts/check_rates.py notebooks/06-trace.ipynb --cells 11,19,21 --quick

Each run executes the notebook's code cells in order in one fresh namespace (IPython magics
dropped, figures closed, output discarded), and records which cells raised. `--cells` runs only
those cells (the measurement cells a check needs must be listed too). `--busy K` starts K
processes that spin on a CPU for the whole measurement and stops them (by their own process
ids) at the end, also on SIGTERM. Prints each failure as it happens, then a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SPIN = "while True: pass"


@contextlib.contextmanager
def busy_loops(count: int) -> Iterator[None]:
    """`count` processes spinning on a CPU while the block runs; each stopped by its pid."""
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def code_cells(path: Path, only: set[int] | None) -> list[tuple[int, str]]:
    """(index, source without IPython magics) of the code cells to run."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        (index, "\n".join(line for line in cell.source.splitlines() if not line.startswith("%")))
        for index, cell in enumerate(cells)
        if cell.cell_type == "code" and (only is None or index in only)
    ]


def run_once(cells: list[tuple[int, str]]) -> dict[int, str]:
    """Run the cells in one namespace; {index: first line of the error} for each that raised."""
    import matplotlib.pyplot as plt

    namespace: dict[str, object] = {"__name__": "__main__"}
    failed: dict[int, str] = {}
    for index, source in cells:
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                exec(compile(source, f"<cell {index}>", "exec"), namespace)
        except Exception as error:
            text = str(error).strip().splitlines()
            failed[index] = f"{type(error).__name__}: {text[0][:160] if text else ''}"
        finally:
            plt.close("all")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--busy", type=int, default=0, help="CPU-spinning processes to start")
    parser.add_argument("--cells", default="", help="comma-separated cell indices (default all)")
    parser.add_argument("--quick", action="store_true", help="GOMEMLAB_QUICK=1 (as CI runs it)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the busy loops are stopped too
    os.environ["GOMEMLAB_QUICK"] = "1" if args.quick else "0"
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path.insert(0, str(ROOT / "helpers"))
    only = {int(c) for c in args.cells.split(",") if c.strip()} or None
    cells = code_cells(args.notebook, only)
    os.chdir(args.notebook.resolve().parent)
    failures: Counter[int] = Counter()
    examples: dict[int, str] = {}
    seconds: list[float] = []
    with busy_loops(args.busy):
        for run in range(args.runs):
            started = time.perf_counter()
            failed = run_once(cells)
            seconds.append(time.perf_counter() - started)
            failures.update(failed.keys())  # one count per failed cell
            for index, message in failed.items():
                examples.setdefault(index, message)
                print(f"run {run + 1}: cell {index}: {message}", flush=True)
            print(
                f"run {run + 1}/{args.runs}: {seconds[-1]:.0f} s, failed {sorted(failed)}",
                flush=True,
            )
    mode = "quick" if args.quick else "full"
    print(
        f"\n{args.notebook.name}, {mode} mode, {args.busy} busy loops, {args.runs} runs, "
        f"{min(seconds):.0f}–{max(seconds):.0f} s per run"
    )
    print("| cell | failed | first error |\n|---|---|---|")
    for index, _ in cells:
        if failures[index]:
            print(f"| {index} | {failures[index]}/{args.runs} | {examples[index]} |")
    if not failures:
        print(f"| all {len(cells)} | 0/{args.runs} | |")


if __name__ == "__main__":
    main()
