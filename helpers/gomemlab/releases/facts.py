"""Release-note facts that no probe number shows, read from each release's own sources.

source_facts(toolchains)   # one row per release × fact: what its GOROOT/src says, and the
                           # value the release notes predict for it
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from ..toolchain import GoToolchain


@dataclass(frozen=True)
class SourceFact:
    """One fact: where in GOROOT/src it is read, and since which release it holds."""

    key: str
    title: str
    since: int
    """The minor release from which `new` is predicted (`old` before it)."""
    read: Callable[[Path], str]
    """GOROOT/src -> the value this release's sources give."""
    old: str
    new: str


def _text(src: Path, relative: str) -> str:
    path = src / relative
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _godebug(src: Path, name: str) -> str:
    """The `internal/godebugs` entries that name the setting, e.g. "Changed: 23", "Removed: 27"."""
    table = _text(src, "internal/godebugs/table.go")
    said = re.findall(rf'\{{Name: "{name}"[^}}\n]*?(Changed|Removed): (\d+)', table)
    return ", ".join(f"{kind} in 1.{minor}" for kind, minor in said) or "not in the table"


def _stack_limit(src: Path, name: str) -> str:
    """A limit of `cmd/compile/internal/ir/cfg.go`, e.g. `MaxStackVarSize = int64(128 * 1024)`."""
    cfg = _text(src, "cmd/compile/internal/ir/cfg.go")
    match = re.search(rf"\b{name} = int64\(([\d *]+)\)", cfg)
    if not match:
        return "not found"
    value = 1
    for factor in match.group(1).split("*"):
        value *= int(factor)
    return f"{value // 1024} KiB" if value < 1 << 20 else f"{value >> 20} MiB"


def _leak_profile(src: Path) -> str:
    if '"goroutineleak"' not in _text(src, "runtime/pprof/pprof.go"):
        return "no"
    gated = (src / "internal/goexperiment/exp_goroutineleakprofile_on.go").is_file()
    return "behind GOEXPERIMENT=goroutineleakprofile" if gated else "always on"


FACTS: tuple[SourceFact, ...] = (
    SourceFact(
        "stack.declared_limit",
        "largest declared variable kept on the stack (ir.MaxStackVarSize)",
        24,
        lambda src: _stack_limit(src, "MaxStackVarSize"),
        "10 MiB",
        "128 KiB",
    ),
    SourceFact(
        "stack.implicit_limit",
        "largest new(T), &T{} or constant make kept on the stack (ir.MaxImplicitStackVarSize)",
        0,
        lambda src: _stack_limit(src, "MaxImplicitStackVarSize"),
        "",
        "64 KiB",
    ),
    SourceFact(
        "godebug.asynctimerchan",
        "unreferenced timers collectable (1.23); the old behaviour's switch removed (1.27)",
        23,
        lambda src: _godebug(src, "asynctimerchan"),
        "not in the table",
        "Changed in 1.23",
    ),
    SourceFact(
        "godebug.containermaxprocs",
        "GOMAXPROCS follows the container's CPU limit",
        25,
        lambda src: _godebug(src, "containermaxprocs"),
        "not in the table",
        "Changed in 1.25",
    ),
    SourceFact(
        "pprof.goroutineleak",
        "runtime/pprof's goroutineleak profile",
        26,
        _leak_profile,
        "no",
        "behind GOEXPERIMENT=goroutineleakprofile",
    ),
    SourceFact(
        "godebug.tracebacklabels",
        "tracebacks print goroutines' pprof labels",
        27,
        lambda src: _godebug(src, "tracebacklabels"),
        "not in the table",
        "Changed in 1.27",
    ),
)
"""The facts, in order. Two change again in 1.27: see LATER."""

LATER: dict[str, tuple[int, str]] = {
    "godebug.asynctimerchan": (27, "Removed in 1.27"),
    "pprof.goroutineleak": (27, "always on"),
}
"""Facts whose predicted value changes a second time: key -> (minor, value from then on)."""


def predicted(fact: SourceFact, minor: int) -> str:
    """The value the release notes predict for `fact` on Go 1.<minor>."""
    later = LATER.get(fact.key)
    if later and minor >= later[0]:
        return later[1]
    return fact.new if minor >= fact.since else fact.old


def source_facts(toolchains: Sequence[GoToolchain]) -> pd.DataFrame:
    """One row per release × fact: release, fact, title, value (read from the release's
    GOROOT/src), predicted, as_predicted."""
    rows = []
    for found in toolchains:
        if not isinstance(found, GoToolchain):
            raise UsageError(
                f"source_facts takes toolchains (R.toolchains(...)), not {type(found).__name__}"
            )
        src, minor = found.goroot / "src", found.version_tuple[1]
        for fact in FACTS:
            value, expected = fact.read(src), predicted(fact, minor)
            rows.append(
                {
                    "release": found.release,
                    "fact": fact.key,
                    "title": fact.title,
                    "value": value,
                    "predicted": expected,
                    "as_predicted": value == expected,
                }
            )
    return pd.DataFrame(rows)
