"""Parse `file:line:col: message` diagnostics out of `go build`/`go vet`/`go test` output."""

from __future__ import annotations

import re

from .errors import Diagnostic

_POSITION = re.compile(
    r"^(?:vet: )?(?P<file>[^\s:][^:\n]*?\.(?:go|mod|s)):(?P<line>\d+)(?::(?P<col>\d+))?: "
    r"(?P<message>.*)$"
)


def parse_diagnostics(text: str, *, strip_prefix: str = "") -> list[Diagnostic]:
    """Every positioned message in `text`, in order; tab-indented lines continue the one before.

    `strip_prefix` (e.g. the module directory) is removed from file names, and so is a leading
    `./`, so that a learner sees `main.go`, not a scratch path.
    """
    found: list[Diagnostic] = []
    for raw in text.splitlines():
        match = _POSITION.match(raw)
        if match:
            file = match["file"]
            if strip_prefix and file.startswith(strip_prefix):
                file = file[len(strip_prefix) :].lstrip("/")
            found.append(
                Diagnostic(
                    file=file.removeprefix("./"),
                    line=int(match["line"]),
                    col=int(match["col"]) if match["col"] else None,
                    message=match["message"],
                )
            )
        elif raw.startswith("\t") and found:
            last = found[-1]
            found[-1] = Diagnostic(last.file, last.line, last.col, f"{last.message}\n{raw.strip()}")
    return found
