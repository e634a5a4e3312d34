"""Benchmarks: run `go test -bench`, parse the Go benchmark format, summarise like benchstat.

    r = gm.bench.run("bench", "Join")        # live progress, then a BenchResult
    r.frame                                   # one row per run
    r                                         # median ± 95% CI per benchmark and unit
    gm.bench.compare(r.where(impl="plus"), r.where(impl="builder"))
"""

from __future__ import annotations

import importlib

from ..source import show_go as show
from .compare import Comparison, compare
from .disasm import count_multiplies, disassemble
from .parse import Config, Other, Result, parse_lines
from .plots import plot_comparison, plot_runs, plot_scaling
from .result import BenchResult, parse
from .run import list_benchmarks, run, settings_for
from .stats import Summary, mann_whitney_p, min_n_for_ci, min_n_for_difference, summarize

__all__ = [
    "BenchResult", "Comparison", "Config", "Other", "Result", "Summary", "compare",
    "count_multiplies", "disassemble", "list_benchmarks", "mann_whitney_p",
    "min_n_for_ci", "min_n_for_difference", "parse", "parse_lines", "plot_comparison",
    "plot_runs", "plot_scaling", "run", "settings_for", "show", "summarize",
]


def __getattr__(name: str):
    """`Panel` (needs ipywidgets) and `exercises` load on first use."""
    if name == "Panel":
        return importlib.import_module(".panel", __name__).Panel
    if name == "exercises":
        return importlib.import_module(".exercises", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
