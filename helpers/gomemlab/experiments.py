"""Which runtime experiments a Go toolchain builds with by default (e.g. the Green Tea GC),
read from the toolchain's own `internal/buildcfg/exp.go`, then `GOEXPERIMENT` on top."""

from __future__ import annotations

import os
import re

from .toolchain import GoToolchain, find_go

_FLAG = re.compile(r"^\s*(\w+):\s*(true|false),", re.MULTILINE)


def baseline(found: GoToolchain | None = None) -> dict[str, bool]:
    """The experiments on or off by default in this toolchain (from its exp.go's baseline)."""
    found = found or find_go()
    path = found.goroot / "src" / "internal" / "buildcfg" / "exp.go"
    text = path.read_text() if path.is_file() else ""
    start = text.find("baseline := goexperiment.Flags{")
    block = text[start : text.find("}", start)] if start >= 0 else ""
    return {name: value == "true" for name, value in _FLAG.findall(block)}


def enabled(name: str, found: GoToolchain | None = None, goexperiment: str | None = None) -> bool:
    """Whether experiment `name` (e.g. "GreenTeaGC") is on for builds here: the baseline,
    changed by GOEXPERIMENT ("greenteagc" / "nogreenteagc", case-insensitive)."""
    on = baseline(found).get(name, False)
    setting = os.environ.get("GOEXPERIMENT", "") if goexperiment is None else goexperiment
    for item in filter(None, (part.strip().lower() for part in setting.split(","))):
        if item == name.lower():
            on = True
        elif item == f"no{name.lower()}":
            on = False
    return on


def collector(found: GoToolchain | None = None) -> str:
    """The garbage collector programs built here get, in words."""
    if enabled("GreenTeaGC", found):
        return "Green Tea (marks small objects span by span)"
    return "the classic mark-sweep marker (object by object)"
