"""Perf: notebook 02's cells on a warm build cache, and the copy-cost CSV parser."""

from __future__ import annotations

import os

from perfkit import median_seconds, seconds

import gomemlab as gm
from gomemlab import valuesem

REPEAT = 7
ROWS = 100_000


def measure() -> list[dict]:
    section = median_seconds(lambda: gm.run("valuesem", ["share"]), REPEAT)
    previous = os.environ.get("GOMEMLAB_QUICK")
    os.environ["GOMEMLAB_QUICK"] = "1"
    try:
        quick_cost = seconds(valuesem.copy_cost)
    finally:
        if previous is None:
            os.environ.pop("GOMEMLAB_QUICK")
        else:
            os.environ["GOMEMLAB_QUICK"] = previous
    text = valuesem.HEADER + "\n" + "8,value,3.5,0,0,1000\n" * ROWS
    parse = seconds(lambda: valuesem.parse_copy_cost(text))
    return [
        {
            "name": "02: warm gm.run of a valuesem section",
            "value": section,
            "unit": "s",
            "target": "<= 1",
            "ok": section <= 1,
        },
        {
            "name": "02: copy-cost measurement, quick mode",
            "value": quick_cost,
            "unit": "s",
            "target": "<= 10",
            "ok": quick_cost <= 10,
        },
        {
            "name": f"02: parse a {ROWS:,}-row copy-cost CSV",
            "value": parse,
            "unit": "s",
            "target": "<= 2",
            "ok": parse <= 2,
        },
    ]
