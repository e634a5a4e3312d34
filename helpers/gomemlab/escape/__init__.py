"""Escape analysis: what the Go compiler decides to put on the heap, and why.

- `run(target, level=2)` (run.py): compile a topic, folder or Go snippet -> EscapeReport.
- `parse(text)` (result.py over parse.py): the compiler's `-m` / `-m=2` text -> EscapeReport.
- `EscapeReport` (result.py): `.frame`, `.summary()`, `.provenance`, an annotated listing in
  Jupyter, `.plot(kind=...)`, claim checks `expect_heap` / `expect_stack` / `expect_leak`.
- `editor()` (widgets.py): a live editor; `check_no_heap()` (exercises.py): a Verdict.
"""

from .exercises import check_no_heap
from .parse import classify, parse_output
from .records import (
    CATEGORY,
    MESSAGE_KINDS,
    VERDICT_KINDS,
    CompilerOutput,
    EscapeMessage,
    Explanation,
    FlowNote,
    FlowStep,
    FunctionSpan,
)
from .result import FRAME_DOC, EscapeReport, parse
from .run import analyze, command, looks_like_go, run


def editor(*args, **kwargs):
    """A live editor widget (see `widgets.editor`); ipywidgets loads on first use."""
    from .widgets import editor as make

    return make(*args, **kwargs)


__all__ = [
    "CATEGORY",
    "FRAME_DOC",
    "MESSAGE_KINDS",
    "VERDICT_KINDS",
    "CompilerOutput",
    "EscapeMessage",
    "EscapeReport",
    "Explanation",
    "FlowNote",
    "FlowStep",
    "FunctionSpan",
    "analyze",
    "check_no_heap",
    "classify",
    "command",
    "editor",
    "looks_like_go",
    "parse",
    "parse_output",
    "run",
]
