"""Benchmarks: run `go test -bench`, parse the Go benchmark format, summarise like benchstat.

    r = gm.bench.run("bench", "Join")        # live progress, then a BenchResult
    r.frame                                   # one row per run (columns: FRAME_DOC)
    r                                         # median ± 95% CI per benchmark and unit
    r.plot(), r.provenance.shell              # every run as a Figure; the command
    gm.bench.compare(r.where(impl="plus"), r.where(impl="builder"))

Roles: records.py (one line each), parse.py (text -> records), result.py (BenchResult),
run.py (go test -bench), plots.py, widgets.py (Panel), exercises.py, stats.py (benchstat's
statistics), compare.py (old vs new), disasm.py (go tool objdump).
"""

from __future__ import annotations

import importlib

from ..deprecation import old_names
from ..source import show_go as show
from .compare import COMPARE_PLOT_KINDS, Comparison, compare
from .disasm import count_multiplies, disassemble
from .parse import parse_lines
from .records import Config, OtherLine, Result
from .result import BENCH_PLOT_KINDS, FRAME_DOC, BenchResult, parse
from .run import check_benchtime, list_benchmarks, run, settings_for, validate_benchtime
from .stats import Summary, mann_whitney_p, min_n_for_ci, min_n_for_difference, summarize

__all__ = [
    "BENCH_PLOT_KINDS",
    "COMPARE_PLOT_KINDS",
    "FRAME_DOC",
    "BenchResult",
    "Comparison",
    "Config",
    "OtherLine",
    "Panel",
    "Result",
    "Summary",
    "check_benchtime",
    "compare",
    "count_multiplies",
    "disassemble",
    "exercises",
    "list_benchmarks",
    "mann_whitney_p",
    "min_n_for_ci",
    "min_n_for_difference",
    "parse",
    "parse_lines",
    "plot_comparison",
    "plot_runs",
    "plot_scaling",
    "run",
    "settings_for",
    "show",
    "summarize",
    "validate_benchtime",
]

_PLOTS = ("plot_comparison", "plot_runs", "plot_scaling")


_old_names = old_names(__name__, {"Other": "OtherLine"}, globals())


def __getattr__(name: str):
    """`Panel` (needs ipywidgets), `exercises` and the plot functions (matplotlib) load on
    first use."""
    if name in _PLOTS:
        return getattr(importlib.import_module(".plots", __name__), name)
    if name == "Panel":
        return importlib.import_module(".widgets", __name__).Panel
    if name == "exercises":
        return importlib.import_module(".exercises", __name__)
    if name == "Other":
        return _old_names(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
