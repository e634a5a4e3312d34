"""Which function each compiler message sits in, from go/parser's spans (`gosource`).

Pure: the messages and the `GoFile`s of their source files in, the function spans per file and
the messages with their `function` set out. A top-level function or method is named as the
compiler names it (`F`, `T.M`, `(*T).M`); a closure gets the name the compiler gave it
(`F.func1`, from its `can inline` / `cannot inline` line at the `func` keyword).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .parse import compiler_declarations
from .records import EscapeMessage, FunctionSpan

if TYPE_CHECKING:
    from ..gosource import GoFile

_ABOUT_A_DECLARATION = ("can_inline", "cannot_inline", "closure_capture", "self_assignment")
"""Kinds that name their function themselves (and sit at its name, not in its body)."""


def spans_of(file: GoFile, named: Sequence[tuple[int, int, str]] = ()) -> tuple[FunctionSpan, ...]:
    """Function spans of one file: its top-level functions with a body, and the closures the
    compiler named in `named` ((line, col, name) at the `func` keyword)."""
    spans = [
        FunctionSpan(d.qualified, d.span.line, d.span.col, d.body.end_line, d.doc_line)
        for d in file.declarations
        if d.body is not None
    ]
    literals = {(s.line, s.col): s for s in file.literals}
    for line, col, name in named:
        literal = literals.get((line, col))
        if literal is not None:
            spans.append(
                FunctionSpan(name, literal.line, literal.col, literal.end_line, literal.line)
            )
    return tuple(sorted(spans, key=lambda s: (s.start, s.col)))


def innermost(spans: Sequence[FunctionSpan], line: int, col: int | None) -> FunctionSpan | None:
    """The smallest span holding a position (a closure rather than its enclosing function)."""
    holding = [span for span in spans if span.contains(line, col)]
    return min(holding, key=lambda s: (s.end - s.start, -s.start, -s.col), default=None)


def locate(
    messages: Sequence[EscapeMessage], files: Mapping[str, GoFile]
) -> tuple[tuple[EscapeMessage, ...], dict[str, tuple[FunctionSpan, ...]]]:
    """Spans per file (keyed like the messages' file names), and every message inside a known
    file given the function whose body holds it."""
    named = compiler_declarations(messages)
    spans = {name: spans_of(file, named.get(name, ())) for name, file in files.items()}
    located = []
    for message in messages:
        known = spans.get(message.file)
        if known and message.line is not None and message.kind not in _ABOUT_A_DECLARATION:
            span = innermost(known, message.line, message.col)
            if span is not None and span.name != message.function:
                message = dataclasses.replace(message, function=span.name)
        located.append(message)
    return tuple(located), spans
