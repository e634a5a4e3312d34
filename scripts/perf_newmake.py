"""Perf: how fast notebook 01's cells answer on a warm build cache."""

from __future__ import annotations

import statistics
import time

import gomemlab as gm

REPEAT = 7
EXERCISE = {
    "solution.go": "package shop\n\nfunc Twice(n int) int { return 2 * n }\n",
    "solution_test.go": (
        'package shop\n\nimport "testing"\n\n'
        "func TestTwice(t *testing.T) {\n\tif Twice(2) != 4 {\n\t\tt.Fatal(Twice(2))\n\t}\n}\n"
    ),
}


def _median_seconds(action) -> float:
    action()  # warm
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure() -> list[dict]:
    section = _median_seconds(lambda: gm.run("newmake", ["sizes"]))
    package = gm.snippet(EXERCISE)
    check = _median_seconds(lambda: gm.test(package))
    return [
        {"name": "01: warm gm.run of a newmake section", "value": section, "unit": "s",
         "target": "<= 1", "ok": section <= 1},
        {"name": "01: warm exercise self-check (go test)", "value": check, "unit": "s",
         "target": "<= 2", "ok": check <= 2},
    ]
