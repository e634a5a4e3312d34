"""Shorten the machine's long paths (GOROOT, the scratch folder, the samples) in what we show.

A learner needs `go build -o …/scratch/bin/x ./escape`, not the venv's site-packages path.
Lower layers register the prefixes they know (`remember`); `short` rewrites any text.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable

_PREFIXES: dict[str, str] = {}
_HASHED = re.compile(
    r"…/scratch/(?:(?:bin|snippets|escape|releases)/[0-9a-f]{12,64}|"
    r"runs/[\w.-]+-[a-z0-9_]{8})(/|(?=[\s'\"]|$))"
)
"""Content-addressed and per-run scratch folders: a learner needs the file's name, not the
hash or the random folder it sits in."""


def remember(path: str | os.PathLike, shown_as: str) -> None:
    """Show `path` (and anything below it) as `shown_as` from now on."""
    text = os.fspath(path).rstrip("/")
    if text:
        _PREFIXES[text] = shown_as


def short(text: str) -> str:
    """`text` with every remembered path replaced by its short name (longest match first)."""
    for prefix in sorted(_PREFIXES, key=len, reverse=True):
        if prefix in text:
            text = text.replace(prefix, _PREFIXES[prefix])
    # A file inside such a folder is shown by its name; the folder itself (a run's working
    # folder, e.g. `-outputdir`) as `.`.
    return _HASHED.sub(lambda m: "" if m.group(1) == "/" else ".", text)


def shell_text(command: Iterable[str | os.PathLike]) -> str:
    """A command as a learner would type it: quoted like a shell line, paths shortened."""
    return short(shlex.join(os.fspath(part) for part in command))
