"""How often the capstone's load-sensitive targets (GC CPU, time/op) fail a version that should
meet them, over repeated checks, optionally under the course's standard load.

    .venv/bin/python scripts/capstone_rates.py --runs 20 --busy 3 [--time] [--json FILE]

Each version of the worked path (steps 1 and 2 of docs/capstone.md, the reference) is built
into the check's harness once; each run then measures the GC target exactly as a check does
(run.measure_gc: the baseline's and the version's GC jobs interleaved) and, with `--time`, the
time target (the reference only: run.measure_bench, 10 interleaved runs of each). Every raw
reading goes to `--json` after each run; the table gives the failure rate of the check's rule
(the smallest of the version's readings) and of the median of its first three (the rule before).
`--busy K` starts K shell busy loops (`while :; do :; done`) and stops them, by their own
process ids, at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from statistics import median

import gomemlab as gm
from gomemlab.capstone import run as capstone_run
from gomemlab.capstone import targets

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = {
    "step 1": ROOT / "tests/fixtures/capstone/stream",
    "step 2": ROOT / "tests/fixtures/capstone/structs",
    "reference": Path(gm.capstone.__file__).parent / "reference",
}


@contextlib.contextmanager
def busy_loops(count: int) -> Iterator[None]:
    """`count` shell loops spinning on a CPU while the block runs; each stopped by its pid."""
    loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(count)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def time_readings(harness: capstone_run.Harness, seed: int) -> dict[str, list[float]]:
    """Ten interleaved benchmark runs of each, as a check does: ns/op per run."""
    measured = capstone_run.measure_bench(harness, seed=seed, count=10, benchtime="200ms")
    frame = gm.bench.parse("\n".join(measured)).frame
    return {impl: list(frame[frame["sub.impl"] == impl]["ns/op"]) for impl in ("baseline", "yours")}


def main() -> None:
    """Measure, print a Markdown table, keep the raw readings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--busy", type=int, default=0)
    parser.add_argument("--time", action="store_true", help="also the reference's time target")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--only", default="", help="comma-separated versions (default: all)")
    args = parser.parse_args()
    chosen = {k: v for k, v in VERSIONS.items() if not args.only or k in args.only.split(",")}
    shipped = capstone_run.shipped_baseline()
    harnesses = {
        name: capstone_run.build(capstone_run.learner_files(folder), shipped)
        for name, folder in chosen.items()
    }
    raw: dict[str, list] = {name: [] for name in chosen}
    loads = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the busy loops are stopped
    with contextlib.ExitStack() as built, busy_loops(args.busy):
        for harness in harnesses.values():
            built.callback(harness.remove)  # the programs go when the script ends
        for run in range(args.runs):
            seed = capstone_run.fresh_seed()
            for name, harness in harnesses.items():
                entry: dict = {"seed": seed, "gc": capstone_run.measure_gc(harness, seed=seed)}
                if args.time and name == "reference":
                    entry["time"] = time_readings(harness, seed)
                raw[name].append(entry)
            loads.append(os.getloadavg()[0])
            print(f"run {run + 1}/{args.runs}: load {loads[-1]:.1f}", flush=True)
            if args.json:
                args.json.write_text(json.dumps({"loads": loads, "raw": raw}, indent=1))
    print(f"\n{args.runs} runs, {args.busy} busy loops, load {min(loads):.1f}-{max(loads):.1f}")
    budget = targets.GC_SHARE_BUDGET
    print("| version | smallest of yours: range | missed | median of first 3: range | missed |")
    print("|---|---|---|---|---|")
    for name, entries in raw.items():
        smallest = [min(r["share"] for r in e["gc"]["yours"]) for e in entries]
        med3 = [median(r["share"] for r in e["gc"]["yours"][:3]) for e in entries]
        print(
            f"| {name} | {min(smallest):.2%}–{max(smallest):.2%} | "
            f"{sum(v > budget for v in smallest)}/{len(entries)} | "
            f"{min(med3):.2%}–{max(med3):.2%} | {sum(v > budget for v in med3)}/{len(entries)} |"
        )
    shares = [r["share"] for rows in raw.values() for e in rows for r in e["gc"]["baseline"]]
    if shares:
        print(f"baseline, every reading: {min(shares):.2%}–{max(shares):.2%}")
    for entry in raw.get("reference", []):
        if "time" in entry:
            j = targets.judge_time(
                targets.by_name()["time/op"], entry["time"]["baseline"], entry["time"]["yours"]
            )
            print(f"time: {j.margin} ({'met' if j.met else 'MISSED'})")


if __name__ == "__main__":
    main()
