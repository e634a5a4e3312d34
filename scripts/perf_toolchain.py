"""Perf: warm `go build` of a sample through the toolchain layer vs the raw command."""

from __future__ import annotations

import statistics
import subprocess
import time

from gomemlab import programs, toolchain, workspace

REPEAT = 15


def _median_seconds(action) -> float:
    action()  # warm
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure() -> list[dict]:
    package = workspace.sample("newmake")
    output = programs.binary_path(package)
    raw_argv = [str(toolchain.find_go().go), "build", "-o", str(output), package.pattern]
    env = toolchain.go_env()

    def raw() -> None:
        subprocess.run(raw_argv, cwd=package.module_dir, env=env, check=True)

    ours = _median_seconds(lambda: programs.build(package))
    theirs = _median_seconds(raw)
    ratio = ours / theirs
    return [
        {"name": "warm build, raw `go build`", "value": theirs, "unit": "s", "target": "",
         "ok": None},
        {"name": "warm build, gm.build()", "value": ours, "unit": "s", "target": "", "ok": None},
        {"name": "warm build ratio gm/raw", "value": ratio, "unit": "x", "target": "<= 1.15",
         "ok": ratio <= 1.15},
    ]
