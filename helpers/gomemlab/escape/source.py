"""Find where each function of a Go file begins and ends, from the compiler's declarations.

The compiler names every function it considers for inlining (`can inline F` / `cannot inline
F`) at the position of its name (or of the `func` keyword for a closure). From there the body
is the first `{` outside parentheses and type literals, and ends at its matching `}`: a small
scanner that skips strings, runes and comments is enough for that.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A function's source lines: `start` (its declaration) to `end` (its closing brace)."""

    name: str
    start: int
    col: int
    end: int

    def contains(self, line: int, col: int | None) -> bool:
        if not self.start <= line <= self.end:
            return False
        # A message at the declaration itself (e.g. "func literal escapes") is about the
        # function value, which lives in the enclosing function.
        return not (line == self.start and col is not None and col <= self.col)


_INTERESTING = re.compile(r"[()\[\]{}\"'`/]")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _offset(text: str, starts: list[int], line: int, col: int) -> int:
    """Character offset of a 1-based line and byte column."""
    begin = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    prefix = text[begin:end].encode("utf-8")[:max(col - 1, 0)]
    return begin + len(prefix.decode("utf-8", errors="ignore"))


def _skip_literal(text: str, i: int) -> int:
    """Index after the string, rune or comment starting at i (or i itself if none does)."""
    c = text[i]
    if text.startswith("//", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    if c == "`":
        end = text.find("`", i + 1)
        return len(text) if end < 0 else end + 1
    if c in "\"'":
        j = i + 1
        while j < len(text) and text[j] != c and text[j] != "\n":
            j += 2 if text[j] == "\\" else 1
        return j + 1
    return i


def _body_end(text: str, start: int) -> int | None:
    """Offset of the `}` closing the function body that follows `start`, or None."""
    parens, braces, in_body = 0, 0, False
    match = _INTERESTING.search(text, start)
    while match:
        i = match.start()
        skipped = _skip_literal(text, i)
        if skipped != i:
            match = _INTERESTING.search(text, skipped)
            continue
        c = text[i]
        if c in "([":
            parens += 1
        elif c in ")]":
            parens -= 1
        elif c == "{":
            word = text[max(0, i - 10):i].rstrip()
            if not in_body and parens == 0 and not word.endswith(("struct", "interface")):
                in_body = True
            braces += 1
        elif c == "}":
            braces -= 1
            if in_body and braces == 0:
                return i
        match = _INTERESTING.search(text, i + 1)
    return None


def function_spans(text: str, declarations: list[tuple[int, int, str]]) -> list[Span]:
    """The span of each declared function `(line, col, name)` found in `text`."""
    starts = _line_starts(text)
    spans = []
    for line, col, name in declarations:
        if not 1 <= line <= len(starts):
            continue
        end = _body_end(text, _offset(text, starts, line, col or 1))
        if end is not None:
            spans.append(Span(name, line, col or 1, bisect_right(starts, end)))
    return spans


_FUNC = re.compile(r"^func[ \t]*(?:\((?:\w+[ \t]+)?(?P<ptr>\*)?(?P<recv>\w+)[^)]*\)[ \t]*)?"
                   r"(?P<name>\w+)", re.MULTILINE)


def top_level_functions(text: str) -> list[tuple[int, int, str]]:
    """Top-level `func` declarations in Go source, named as the compiler names them
    (`F`, `T.M`, `(*T).M`): (line, column of `func`, name). At `-m` the compiler names only
    the functions it can inline, so the source supplies the others."""
    found = []
    for match in _FUNC.finditer(text):
        name = match["name"]
        if match["recv"]:
            name = f"(*{match['recv']}).{name}" if match["ptr"] else f"{match['recv']}.{name}"
        found.append((text.count("\n", 0, match.start()) + 1, 1, name))
    return found


def innermost(spans: list[Span], line: int, col: int | None) -> Span | None:
    """The smallest span holding a position (a closure rather than its enclosing function)."""
    holding = [span for span in spans if span.contains(line, col)]
    return min(holding, key=lambda s: (s.end - s.start, -s.start), default=None)
