"""Perf: warm `gm.xray(package, bench=...)` vs the three commands it replaces, run by hand on
the same package with the same benchmark settings (issue 24: at most 1.2x):

    go build -gcflags=-m=2 ./pprof
    go test -run '^$' -bench B -benchmem -benchtime T -memprofile mem.out -memprofilerate=1 ./pprof
    go tool pprof -list 'gosamples/pprof\\.' mem.out

The two are run alternately (load from other processes falls on both alike); the ratio is of
the medians of the paired runs, with the ratio of the fastest runs beside it. Run alone:
`.venv/bin/python scripts/perf_xray.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
from pathlib import Path

from perfkit import row, seconds

import gomemlab as gm
from gomemlab import toolchain, workspace

REPEAT = 7
TARGET = 1.2
BENCH = "CountFrugal"
BENCHTIME = "100x"


def measure() -> list[dict]:
    package = workspace.sample("pprof")
    go = str(toolchain.find_go().go)
    env = toolchain.go_env()
    folder = Path(tempfile.mkdtemp(prefix="perf-xray-", dir=workspace.scratch_root()))
    profile = folder / "mem.out"
    by_hand = [
        [go, "build", "-gcflags=-m=2", "-o", str(folder / "pprof.bin"), package.pattern],
        [
            go,
            "test",
            "-run",
            "^$",
            "-bench",
            BENCH,
            "-benchmem",
            "-benchtime",
            BENCHTIME,
            "-count",
            "1",
            f"-memprofile={profile}",
            "-memprofilerate=1",
            "-o",
            str(folder / "pprof.test"),
            package.pattern,
        ],
        [go, "tool", "pprof", "-list", r"gosamples/pprof\.", str(profile)],
    ]

    def hand() -> None:
        for argv in by_hand:
            subprocess.run(argv, cwd=package.module_dir, env=env, check=True, capture_output=True)

    def xray() -> None:
        found = gm.xray(package, bench=BENCH, benchtime=BENCHTIME)
        assert found.whys(1), "the x-ray found no allocating line"

    hand(), xray()  # warm both: build cache, pprof tool, goast helper
    pairs = [(seconds(hand), seconds(xray)) for _ in range(REPEAT)]
    hands, xrays = [a for a, _ in pairs], [b for _, b in pairs]
    ratio = statistics.median(b / a for a, b in pairs)
    return [
        row("xray: by hand (3 commands), median", statistics.median(hands), "s"),
        row("xray: gm.xray, median", statistics.median(xrays), "s"),
        row("xray: x-ray / by hand, median of pairs", ratio, "x", f"<= {TARGET}", ratio <= TARGET),
        row("xray: x-ray / by hand, fastest runs", min(xrays) / min(hands), "x"),
    ]


if __name__ == "__main__":
    for line in measure():
        print(line)
