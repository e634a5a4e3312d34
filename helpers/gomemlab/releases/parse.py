"""Pure readers of the releases probe's output (`name value` lines) and of a compiler's
rejection of a newer feature."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .. import validate
from ..errors import ParseError

_LINE = re.compile(r"^([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+) (\S.*)$")
_DIAGNOSTIC = re.compile(r"^\S+\.go:\d+:\d+: (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ProbeOutput:
    """What the probe printed: its `name value` measurements and its benchmark lines (in Go's
    benchmark format, for `gm.bench.parse`)."""

    values: Mapping[str, str] = field(default_factory=dict)
    benchmarks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "benchmarks", tuple(self.benchmarks))

    def __getitem__(self, name: str) -> str:
        return self.values[name]


def parse_probe(text: str) -> ProbeOutput:
    """The probe's output (pure and total): `name value` lines into `.values`, in order,
    lines starting `Benchmark` into `.benchmarks`.

    Blank lines are skipped; any other line that is not `dotted.name value` raises ParseError
    naming it; a name printed twice is a ParseError too (the probe prints each once).
    """
    found: dict[str, str] = {}
    benchmarks: list[str] = []
    for number, line in enumerate(validate.text(text, "text").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("Benchmark"):
            benchmarks.append(line)
            continue
        match = _LINE.match(line.rstrip())
        if not match:
            raise ParseError(f"line {number} of the releases probe's output is not "
                             f"`name value`: {line[:120]!r}")
        name, value = match.groups()
        if name in found:
            raise ParseError(f"line {number}: {name} printed twice")
        found[name] = value
    return ProbeOutput(found, tuple(benchmarks))


def first_error(text: str) -> str:
    """The compiler's first complaint in a failed build's output ("" when there is none),
    e.g. `b.Loop undefined (type *testing.B has no field or method Loop)`."""
    match = _DIAGNOSTIC.search(validate.text(text, "text"))
    return match.group(1).strip() if match else ""


def number(value: str) -> float:
    """A probe value as a float; ParseError when it is not a number."""
    try:
        return float(value)
    except ValueError:
        raise ParseError(f"{value!r} is not a number") from None
