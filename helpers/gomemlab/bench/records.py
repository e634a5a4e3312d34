"""The records of Go's benchmark format: one frozen dataclass per kind of line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..deprecation import old_names


@dataclass(frozen=True)
class Config:
    """A configuration line: `key: value`."""

    line_no: int
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Result:
    """One benchmark result line (one run of one benchmark)."""

    line_no: int
    name: str
    """The name without `Benchmark` and without the `-procs` suffix, e.g. `Join/impl=plus`."""
    procs: int
    """GOMAXPROCS of the run: the `-N` suffix; Go omits it when GOMAXPROCS is 1."""
    iterations: int
    values: dict[str, float]
    """Measurements by unit, in the order printed: `{"ns/op": 12.5, "B/op": 16.0, ...}`."""
    config: Mapping[str, str] = field(default_factory=dict)
    """The configuration in force at this line (goos, goarch, pkg, cpu, ...): a read-only
    mapping shared by the results under the same configuration."""

    parts: Mapping[str, str] = field(default_factory=dict)
    """The `key=value` segments of a sub-benchmark name, by key (read only). A key is any
    text without `/` or `=` (`n`, `name`, `size`, ...); `BenchResult.frame` shows it as the
    column `sub.KEY`."""
    plain: tuple[str, ...] = ()
    """The other segments (`ASCII` in `FullRune/ASCII`), in order: frame columns `sub[1]`, ..."""

    @property
    def base(self) -> str:
        """The top-level benchmark: `Join` for `Join/impl=plus/parts=8`."""
        return self.name.split("/", 1)[0]

    def renamed(self, name: str) -> Result:
        """This run under another name (its parts follow the new name)."""
        parts, plain = split_parts(name)
        return replace(self, name=name, parts=MappingProxyType(parts), plain=plain)


def split_parts(name: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """`Join/impl=plus/x` -> ({"impl": "plus"}, ("x",))."""
    if "/" not in name:
        return {}, ()
    found: dict[str, str] = {}
    plain: list[str] = []
    for segment in name.split("/")[1:]:
        key, eq, value = segment.partition("=")
        if eq and key:
            found[key] = value
        else:
            plain.append(segment)
    return found, tuple(plain)


@dataclass(frozen=True)
class OtherLine:
    """A line that is neither configuration nor a result (kept, never dropped)."""

    line_no: int
    text: str


Record = Config | Result | OtherLine

__getattr__ = old_names(__name__, {"Other": "OtherLine"}, globals())
