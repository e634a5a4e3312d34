"""Lifetimes, reuse and leaks (chapter 09): run sections of `gosamples/lifetimes` and check
what they measured.

    r = gm.lifetimes.run("pool")                 # sync.Pool's victim cache -> LifetimesRun
    r.value("hits", step=1), r.series("hits")    # single values and series by metric
    r.frame, r.summary(), r.plot()               # columns: FRAME_DOC; kinds: pool, scavenge, bars
    gm.lifetimes.profile(gm.lifetimes.run("substring", memprofile=True), "heap")  # gm.pprof
    gm.lifetimes.benchmarks("Buffer|Small")     # the sample's benchmarks (a BenchResult)
    gm.lifetimes.check_leak_fixed(code), gm.lifetimes.check_pooled(code)   # the exercises
"""

from __future__ import annotations

import importlib
from typing import Any

from .exercises import LEAK_BASELINE, POOL_BASELINE, check_leak_fixed, check_pooled
from .parse import parse_line, parse_lines
from .records import Measurement, OtherLine
from .result import FRAME_DOC, LifetimesRun, parse
from .run import BENCHTIME, LIFETIMES_SECTIONS, benchmarks, profile, run


def __getattr__(name: str) -> Any:
    """Load the drawing module (matplotlib) on first use."""
    if name == "plots":
        return importlib.import_module(".plots", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BENCHTIME",
    "FRAME_DOC",
    "LEAK_BASELINE",
    "LIFETIMES_SECTIONS",
    "POOL_BASELINE",
    "LifetimesRun",
    "Measurement",
    "OtherLine",
    "benchmarks",
    "check_leak_fixed",
    "check_pooled",
    "parse",
    "parse_line",
    "parse_lines",
    "profile",
    "run",
]
