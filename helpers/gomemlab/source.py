"""Show Go source from a sample or snippet, syntax-highlighted, whole or one declaration."""

from __future__ import annotations

import re

from IPython.display import Code

from .workspace import Package, WorkspaceError, resolve


def extract(text: str, name: str) -> str:
    """The declaration of func (or type) `name` in Go source `text`, with its doc comment."""
    lines = text.splitlines()
    start_pattern = re.compile(rf"^(func (\([^)]*\) )?|type ){re.escape(name)}\b")
    for i, line in enumerate(lines):
        if start_pattern.match(line):
            first = i
            while first > 0 and lines[first - 1].startswith("//"):
                first -= 1
            last = i
            if not line.rstrip().endswith("}"):
                while last + 1 < len(lines) and lines[last] != "}":
                    last += 1
            return "\n".join(lines[first:last + 1])
    raise WorkspaceError(f"no func or type called {name!r} in this source")


def show_go(target: str | Package, name: str | None = None, *, filename: str | None = None
            ) -> Code:
    """Highlighted Go: a whole file of a sample/snippet, or just the declaration `name`."""
    text = resolve(target).source(filename)
    return Code(extract(text, name) if name else text, language="go")
