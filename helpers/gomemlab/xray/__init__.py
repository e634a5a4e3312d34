"""The x-ray: why does this line allocate? The compiler's verdicts, a memory profile of every
allocation and the benchmarks' per-op figures, joined per source line, for any Go module.

    x = gm.xray("pprof", bench="CountFrugal")   # or gm.xray.run(...): the same
    x.frame, x.summary(), x.at("seen := make("), x.expect_allocates(12)
    x                                            # the annotated listing in Jupyter

Roles: run.py (runs Go), join.py (pure: -json inlining positions, pprof -list attribution,
the join), result.py (XRay), report.py (notes, whys, HTML). `gomemlab xray PATH` is the CLI.
"""

from __future__ import annotations

import sys
import types

from .join import (
    InlinedMessage,
    LineCost,
    XRayLine,
    join_lines,
    line_costs,
    profile_costs,
    read_inline_json,
)
from .report import CITED, note, why
from .result import FRAME_DOC, XRay, xray_of
from .run import command, default_benchtime, missing_module, run

__all__ = [
    "CITED",
    "FRAME_DOC",
    "InlinedMessage",
    "LineCost",
    "XRay",
    "XRayLine",
    "command",
    "default_benchtime",
    "editor",
    "join_lines",
    "line_costs",
    "missing_module",
    "note",
    "profile_costs",
    "read_inline_json",
    "run",
    "why",
    "xray_of",
]


def editor(*args, **kwargs):
    """The x-ray in a Go editor widget (see `widgets.editor`); ipywidgets loads on first use."""
    from .widgets import editor as make

    return make(*args, **kwargs)


class _CallableModule(types.ModuleType):
    """`gm.xray(...)` is `gm.xray.run(...)`: the module is the verb, like a result's maker."""

    def __call__(self, *args, **kwargs) -> XRay:
        return run(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
