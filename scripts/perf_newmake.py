"""Perf: how fast notebook 01's cells answer on a warm build cache."""

from __future__ import annotations

from perfkit import median_seconds

import gomemlab as gm

REPEAT = 7
EXERCISE = {
    "solution.go": "package shop\n\nfunc Twice(n int) int { return 2 * n }\n",
    "solution_test.go": (
        'package shop\n\nimport "testing"\n\n'
        "func TestTwice(t *testing.T) {\n\tif Twice(2) != 4 {\n\t\tt.Fatal(Twice(2))\n\t}\n}\n"
    ),
}


def measure() -> list[dict]:
    section = median_seconds(lambda: gm.run("newmake", ["sizes"]), REPEAT)
    package = gm.snippet(EXERCISE)
    check = median_seconds(lambda: gm.test(package), REPEAT)
    return [
        {
            "name": "01: warm gm.run of a newmake section",
            "value": section,
            "unit": "s",
            "target": "<= 1",
            "ok": section <= 1,
        },
        {
            "name": "01: warm exercise self-check (go test)",
            "value": check,
            "unit": "s",
            "target": "<= 2",
            "ok": check <= 2,
        },
    ]
