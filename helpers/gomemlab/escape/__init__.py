"""Escape analysis: what the Go compiler decides to put on the heap, and why.

- `parse(text)`: the compiler's `-m` / `-m=2` output (go build or go test) -> EscapeReport.
- `analyze(target, level=2)`: compile a topic, folder or Go snippet and parse its messages.
- `EscapeReport`: `.frame`, `.summary()`, an annotated source listing in Jupyter, `.plot()`,
  and claim checks `expect_heap` / `expect_stack` / `expect_leak` / `expect_inlined`.
- `editor()`: a live editor widget; `check_no_heap()`: the exercises' self-check.
"""

from .analyze import analyze, command, looks_like_go
from .editor import CheckResult, check_no_heap, editor
from .parse import classify, parse
from .records import CATEGORY, KINDS, EscapeMessage, Explanation, FlowNote, FlowStep
from .report import EscapeReport

__all__ = [
    "CATEGORY", "KINDS", "CheckResult", "EscapeMessage", "EscapeReport", "Explanation",
    "FlowNote", "FlowStep", "analyze", "check_no_heap", "classify", "command", "editor",
    "looks_like_go", "parse",
]
