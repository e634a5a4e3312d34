"""Typed records of the compiler's escape-analysis and inlining messages."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = (
    "moved_to_heap", "escapes_to_heap", "does_not_escape", "leaking_param",
    "leaking_param_content", "leaking_to_result", "can_inline", "cannot_inline",
    "inlining_call", "devirtualized", "closure_capture", "self_assignment", "zero_copy",
    "bounds_check_elided", "other",
)
"""Every kind a message can have; `other` is a well-formed message of no known shape."""

CATEGORY = {
    "moved_to_heap": "heap", "escapes_to_heap": "heap",
    "does_not_escape": "stack",
    "leaking_param": "leak", "leaking_param_content": "leak", "leaking_to_result": "leak",
    "can_inline": "inline", "cannot_inline": "inline", "inlining_call": "inline",
    "devirtualized": "inline",
}
"""What a kind means for a reader: heap, stack, leak, inline, or note (everything else)."""

HEAP_KINDS = ("moved_to_heap", "escapes_to_heap")
LEAK_KINDS = ("leaking_param", "leaking_param_content", "leaking_to_result")


def category(kind: str) -> str:
    return CATEGORY.get(kind, "note")


@dataclass(frozen=True)
class FlowNote:
    """One `from WHERE (WHY) at FILE:LINE:COL` line: an expression and why the value moves."""

    where: str
    why: str
    at: str

    def __str__(self) -> str:
        return f"from {self.where} ({self.why}) at {self.at}" if self.at else self.where


@dataclass(frozen=True)
class FlowStep:
    """One `flow: DST ← SRC` step of an -m=2 explanation, with its notes.

    `dst` and `src` are locations such as `~r0`, `{heap}` or `{storage for &X{}}`; `src`
    carries its operator (`&u`: the address of u flows; `*p`: what p points to flows).
    Old compilers (before the flow format) print only notes: then `dst` and `src` are "".
    """

    dst: str
    src: str
    notes: tuple[FlowNote, ...] = ()

    def lines(self) -> list[str]:
        head = [f"flow: {self.dst} ← {self.src}"] if self.dst or self.src else []
        return head + [str(note) for note in self.notes]


@dataclass(frozen=True)
class Explanation:
    """An -m=2 explanation: why SUBJECT escapes or leaks, as a chain of flow steps."""

    header: str
    subject: str
    target: str  # where it goes: "{heap}", "~r0", ...
    function: str
    steps: tuple[FlowStep, ...]
    line_numbers: tuple[int, ...]  # the input lines it was made of (1-based)

    def lines(self) -> list[str]:
        return [line for step in self.steps for line in step.lines()]


@dataclass(repr=False)
class EscapeMessage:
    """One compiler message: where, what kind, about what, and (with -m=2) why.

    `line`/`col` are None when the compiler printed no position (or no column: old Go).
    `function` is the function the message is about or sits in, "" when unknown.
    `line_numbers` are the input lines this record was made of (1-based).
    """

    file: str
    line: int | None
    col: int | None
    kind: str
    subject: str
    function: str
    message: str
    package: str = ""
    explanations: list[Explanation] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)

    @property
    def category(self) -> str:
        return category(self.kind)

    @property
    def flow(self) -> list[str]:
        """The flow chain as readable lines (empty below -m=2)."""
        return [line for explanation in self.explanations for line in explanation.lines()]

    @property
    def position(self) -> str:
        parts = [self.file] + [str(p) for p in (self.line, self.col) if p is not None]
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"

    def __repr__(self) -> str:
        return f"<{self.kind}: {self}>"
