"""The learner's loop: the course's tools in the order the capstone uses them, each with the call
that runs it on the learner's copy, the chapter that teaches it and the targets it explains.
A hint names a stage (a tool and its chapter), never a line of the program or a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .result import CapstoneCheck


@dataclass(frozen=True)
class Stage:
    """One step of the loop: its `name`, the `call` on your copy (`mine`), the `chapter`,
    what to `look` for, and the `targets` it explains."""

    name: str
    call: str
    chapter: str
    look: str
    targets: tuple[str, ...]


STAGES: tuple[Stage, ...] = (
    Stage(
        "x-ray",
        'gm.xray(mine, bench="Aggregate")',
        "03 escape analysis + 05 pprof",
        "per line, the compiler's verdict beside the allocations the profile counted",
        ("allocs/op", "B/op"),
    ),
    Stage(
        "escape",
        "gm.escape.run(mine)",
        "03 escape analysis",
        "which values the compiler moves to the heap, and the reason it gives",
        ("allocs/op", "B/op"),
    ),
    Stage(
        "bench compare",
        'gm.bench.compare(check.bench.where(impl="baseline"), check.bench.where(impl="yours"))',
        "04 benchmarks",
        "time, bytes and allocations per operation against the baseline, with the test",
        ("time/op", "allocs/op", "B/op"),
    ),
    Stage(
        "pprof diff",
        'gm.pprof.run(mine, bench="Aggregate").diff(gm.pprof.run("capstone", bench="Aggregate"))',
        "05 pprof",
        "which functions allocate (or spend CPU) more or less than the baseline's",
        ("allocs/op", "B/op", "time/op"),
    ),
    Stage(
        "trace",
        'gm.trace.run(mine, test="TestGenerator")',
        "06 trace",
        "how many goroutines one call starts, and the GC cycles while it runs",
        ("time/op", "leaks", "GC CPU"),
    ),
    Stage(
        "GC settings",
        "the check's GC and heap rows; GOGC and GOMEMLIMIT as chapter 07 sets them",
        "07 GC + 09 lifetimes",
        "what stays reachable while the input streams in, and how often the GC must run",
        ("GC CPU", "peak heap", "leaks"),
    ),
)


def stages() -> pd.DataFrame:
    """The loop as a table: stage, call, chapter, what to look for, targets it explains."""
    return pd.DataFrame(
        [
            {
                "stage": s.name,
                "call": s.call,
                "chapter": s.chapter,
                "look for": s.look,
                "explains": ", ".join(s.targets),
            }
            for s in STAGES
        ]
    )


def hints(check: CapstoneCheck) -> pd.DataFrame:
    """For each target `check` missed, the stages that show why (a tool and a chapter each):
    one row per missed target, in the check's order."""
    rows = [
        {
            "missed": name,
            "look with": ", ".join(s.name for s in STAGES if name in s.targets),
            "chapters": ", ".join(dict.fromkeys(s.chapter for s in STAGES if name in s.targets)),
        }
        for name in check.missed
        if name != "correct"
    ]
    return pd.DataFrame(rows, columns=["missed", "look with", "chapters"])
