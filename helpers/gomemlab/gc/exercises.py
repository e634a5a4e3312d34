"""Self-checks for notebook 07's exercises: each runs the real toolchain."""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass

from .. import programs, workspace
from .log import parse_gctrace
from .runs import run


@dataclass
class Check:
    """An exercise verdict with the measurements behind it."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def _repr_html_(self) -> str:
        color, word = ("#2e7d32", "PASS") if self.passed else ("#c62828", "NOT YET")
        return f'<div><b style="color:{color}">{word}</b>: {html.escape(self.message)}</div>'

    def __repr__(self) -> str:
        return ("PASS: " if self.passed else "NOT YET: ") + self.message


def gc_count(source: str) -> tuple[int, str]:
    """Run a Go program (source text) with gctrace on: (GC cycles, its standard output)."""
    done = programs.run(workspace.snippet(source), env={"GODEBUG": "gctrace=1"}, timeout=120)
    return len(parse_gctrace(done.stderr)), done.stdout


def check_fewer_gcs(source: str, baseline: str, *, factor: int = 10) -> Check:
    """Pass when `source` prints what `baseline` prints with at least `factor` times fewer
    GC cycles (and at most 2)."""
    before, expected = gc_count(baseline)
    after, printed = gc_count(source)
    if printed != expected:
        return Check(False, f"the output changed: {printed.strip()!r} instead of "
                            f"{expected.strip()!r}")
    ok = after <= max(2, before // factor)
    return Check(ok, f"{before} GC cycles before, {after} now"
                     + ("" if ok else f": aim for at most {max(2, before // factor)}"))


def check_goal_ratio(gogc: int | str, ratio: float, *, tolerance: float = 0.1) -> Check:
    """Pass when, run with this GOGC, the gc sample's heap goal is `ratio` × its live heap
    (the median over cycles after the first three, within `tolerance`)."""
    r = run(gogc=gogc, alloc_mib=256)
    f = r.log.frame
    pairs = list(zip(f.heap_live_mib.iloc[2:-1], f.goal_mib.iloc[3:], strict=True))
    if len(pairs) < 2:
        return Check(False, f"only {len(f)} GC cycles at GOGC={gogc}: too few to measure")
    measured = statistics.median(goal / live for live, goal in pairs if live > 0)
    ok = abs(measured - ratio) <= tolerance * ratio
    return Check(ok, f"GOGC={gogc}: the goal is {measured:.2f} × the previous cycle's live heap "
                     f"(target {ratio:g} ± {tolerance * ratio:.2g})")
