"""Frozen records of the compiler's escape-analysis and inlining messages."""

from __future__ import annotations

from dataclasses import dataclass

MESSAGE_KINDS = (
    "moved_to_heap",
    "escapes_to_heap",
    "does_not_escape",
    "leaking_param",
    "leaking_param_content",
    "leaking_to_result",
    "can_inline",
    "cannot_inline",
    "inlining_call",
    "devirtualized",
    "closure_capture",
    "self_assignment",
    "zero_copy",
    "bounds_check_elided",
    "other",
)
"""Every kind a compiler message can have; `other` is a well-formed message of no known shape."""

VERDICT_KINDS = (
    "moved_to_heap",
    "escapes_to_heap",
    "leaking_param",
    "leaking_param_content",
    "leaking_to_result",
    "does_not_escape",
)
"""The kinds that say where a value lives (heap, leak, stack): what `summary()` counts."""

CATEGORY = {
    "moved_to_heap": "heap",
    "escapes_to_heap": "heap",
    "does_not_escape": "stack",
    "leaking_param": "leak",
    "leaking_param_content": "leak",
    "leaking_to_result": "leak",
    "can_inline": "inline",
    "cannot_inline": "inline",
    "inlining_call": "inline",
    "devirtualized": "inline",
}
"""What a kind means for a reader: heap, stack, leak, inline, or note (everything else)."""

HEAP_KINDS = ("moved_to_heap", "escapes_to_heap")
LEAK_KINDS = ("leaking_param", "leaking_param_content", "leaking_to_result")


def category(kind: str) -> str:
    """heap, stack, leak, inline or note."""
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
        """The step as the readable lines the compiler printed."""
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
        """Every step's lines, in order."""
        return [line for step in self.steps for line in step.lines()]


@dataclass(frozen=True, repr=False)
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
    explanations: tuple[Explanation, ...] = ()
    line_numbers: tuple[int, ...] = ()

    @property
    def category(self) -> str:
        """heap, stack, leak, inline or note."""
        return category(self.kind)

    @property
    def flow(self) -> list[str]:
        """The flow chain as readable lines (empty below -m=2)."""
        return [line for explanation in self.explanations for line in explanation.lines()]

    @property
    def position(self) -> str:
        """`file:line:col` as the compiler printed it."""
        parts = [self.file] + [str(p) for p in (self.line, self.col) if p is not None]
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"

    __repr__ = __str__  # a list of messages reads like the compiler's own output


@dataclass(frozen=True)
class CompilerOutput:
    """Everything `parse.parse_output` read: the messages in output order, every other input
    line with the reason it is not a message (line number, text, reason), and the packages
    named by `# pkg` headers."""

    messages: tuple[EscapeMessage, ...]
    skipped: tuple[tuple[int, str, str], ...]
    packages: tuple[str, ...]


@dataclass(frozen=True)
class FunctionSpan:
    """A function's source lines in one file: `start` (the line of `func`) to `end` (its
    closing brace), `col` the column of `func`, `doc_line` the first line of its doc comment
    and directives. `name` is the compiler's (`F`, `T.M`, `(*T).M`, `F.func1`)."""

    name: str
    start: int
    col: int
    end: int
    doc_line: int

    def contains(self, line: int, col: int | None) -> bool:
        """Whether a message at (line, col) sits in this function's body or signature.

        A message at the `func` keyword itself (e.g. "func literal escapes") is about the
        function value, which lives in the enclosing function."""
        if not self.start <= line <= self.end:
            return False
        return not (line == self.start and col is not None and col <= self.col)
