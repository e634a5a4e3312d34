"""What the trace parser reads: one stack frame, and the columns of all events of a trace."""

from __future__ import annotations

from dataclasses import dataclass

EVENT_KINDS = frozenset(
    {
        "Sync",
        "Metric",
        "Label",
        "StackSample",
        "RangeBegin",
        "RangeActive",
        "RangeEnd",
        "TaskBegin",
        "TaskEnd",
        "RegionBegin",
        "RegionEnd",
        "Log",
        "StateTransition",
        "Experimental",
    }
)
"""Event kinds of Go 1.22+ traces; any other well-formed kind is kept as kind "other"."""

EVENT_COLUMNS = (
    "time",
    "m",
    "p",
    "g",
    "kind",
    "resource",
    "resource_id",
    "name",
    "from_state",
    "to_state",
    "value",
    "text",
    "task",
    "line_no",
)
"""Fields of one event row, in order (`stack` and `transition_stack` are kept apart)."""


@dataclass(frozen=True)
class StackFrame:
    """One frame of a call stack: function, file and line."""

    func: str
    file: str
    line: int

    def __str__(self) -> str:
        """`func (file.go:line)`."""
        return f"{self.func} ({self.file.rsplit('/', 1)[-1]}:{self.line})"


@dataclass(frozen=True)
class ParsedEvents:
    """Everything the parser read from one `go tool trace -d=parsed` text.

    `rows` holds one tuple per event in `EVENT_COLUMNS` order; `stack` and `transition_stack`
    one id per event into `stacks` (-1: none), where identical stacks are stored once.
    `lines` counts the lines read; `head` keeps the first ones, to show the raw format.
    """

    rows: tuple[tuple, ...] = ()
    stack: tuple[int, ...] = ()
    transition_stack: tuple[int, ...] = ()
    stacks: tuple[tuple[StackFrame, ...], ...] = ()
    lines: int = 0
    head: tuple[str, ...] = ()
