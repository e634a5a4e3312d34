"""Pure readers of the releases probe's output (`name value` lines) and of a compiler's
rejection of a newer feature."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .. import validate
from ..bench.parse import parse_lines
from ..bench.records import Result as BenchLine
from ..errors import ParseError
from ..escape.parse import parse_output
from ..gc.parse import gctrace_table

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
            raise ParseError(
                f"line {number} of the releases probe's output is not `name value`: {line[:120]!r}"
            )
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


def yes_no(flag: bool) -> str:
    """A yes/no row's value in words, as a learner reads it in the matrix."""
    return "yes" if flag else "no"


def number(value: str) -> float:
    """A probe value as a float; ParseError when it is not a number."""
    try:
        return float(value)
    except ValueError:
        raise ParseError(f"{value!r} is not a number") from None


def escape_verdicts(text: str) -> dict[str, str]:
    """The compiler's verdicts on the probe's functions, from `go build -gcflags=-m=2`
    output (read with gomemlab.escape's parser): {behaviour key: verdict}."""
    messages = parse_output(validate.text(text, "text")).messages
    decisions = [m for m in messages if not m.message.startswith(" ")]

    def said(function: str, wanted: tuple[str, ...]) -> str:
        texts = [
            m.message
            for m in decisions
            if m.function == function or f" in {function}:" in m.message
        ]
        return next((w for w in wanted if any(w in t for t in texts)), "")

    by_reference = any(
        m.function == "Closures" and m.message == "moved to heap: i" for m in messages
    )
    by_value = "Closures capturing by value: i" in text
    return {
        "loopvar.escape": (
            "moved to heap: i"
            if by_reference
            else "captured by value"
            if by_value
            else "not reported"
        ),
        "make_var.escape": said("Count", ("does not escape", "escapes to heap")),
        "explicit256k.escape": said("Explicit256K", ("moved to heap: a",)) or "stays on the stack",
        "explicit16m.escape": said("Explicit16M", ("moved to heap: a",)) or "stays on the stack",
        "implicit32k.escape": said("Implicit32K", ("does not escape", "escapes to heap")),
        "implicit128k.escape": said("Implicit128K", ("does not escape", "escapes to heap")),
        "funcvar.escape": said("FuncVar", ("moved to heap: a",)) or "stays on the stack",
    }


def probe_values(said: ProbeOutput) -> dict[str, str]:
    """The matrix values the probe's own output gives (its benchmark lines read with
    gomemlab.bench's parser); ParseError when a measurement is missing or not a number."""

    def get(name: str) -> str:
        if name not in said.values:
            raise ParseError(f"the releases probe printed no {name} line")
        return said.values[name]

    no_hint = {k: number(get(f"map1000.hint_false.{k}")) for k in ("allocs", "bytes")}
    hint = {k: number(get(f"map1000.hint_true.{k}")) for k in ("allocs", "bytes")}
    values = {
        "loopvar.printed": get("loopvar.printed"),
        # allocations per call, rounded down as `go test -benchmem` does: the probe's least
        # batch average can only be raised, by allocations of the runtime's own meanwhile
        **{
            k: f"{math.floor(number(get(k)) + 1e-9):d}"
            for k in (
                "loopvar.allocs",
                "make_var.allocs",
                "append4.allocs",
                "append4_returned.allocs",
                "explicit256k.allocs",
                "funcvar.allocs",
            )
        },
        "map.hint_helps": yes_no(hint["allocs"] < no_hint["allocs"]),
        "map.no_hint.bytes": f"{no_hint['bytes']:.0f}",
        "map.no_hint.allocs": f"{no_hint['allocs']:g}",
        "map.hint.bytes": f"{hint['bytes']:.0f}",
        "map.hint.allocs": f"{hint['allocs']:g}",
        **{
            k: get(k)
            for k in (
                "experiment.greenteagc",
                "experiment.sizespecializedmalloc",
                "experiment.jsonv2",
            )
        },
    }
    runs = [r for r in parse_lines("\n".join(said.benchmarks)) if isinstance(r, BenchLine)]
    if not {"DecodeOrder", "SmallAlloc"} <= {r.name for r in runs}:
        raise ParseError("the releases probe printed no DecodeOrder and SmallAlloc benchmark lines")

    def median(name: str, unit: str) -> float:
        found = [r.values[unit] for r in runs if r.name == name and unit in r.values]
        return statistics.median(found) if found else math.nan

    values.update(
        {
            "json.allocs_per_op": f"{median('DecodeOrder', 'allocs/op'):g}",
            "json.ns_per_op": f"{median('DecodeOrder', 'ns/op'):g}",
            "smallalloc.ns_per_op": f"{median('SmallAlloc', 'ns/op'):g}",
        }
    )
    return values


CHURN_DONE = "releases: churn done"
"""What the probe writes to standard error when its heap churn ends (main.go's ChurnDone)."""


def churn_trace(stderr: str) -> str:
    """The part of the probe's standard error before CHURN_DONE: under GODEBUG=gctrace=1, the
    cycles of the churn alone (ParseError when the marker is missing)."""
    before, found, _ = validate.text(stderr, "stderr").partition(CHURN_DONE)
    if not found:
        raise ParseError(f"the releases probe's standard error has no {CHURN_DONE!r} line")
    return before


def gctrace_values(text: str) -> tuple[dict[str, str], int]:
    """GC rows from `GODEBUG=gctrace=1` output (read with gomemlab.gc's parser): values
    and the number of cycles."""
    frame, _ = gctrace_table(validate.text(text, "text"))
    if frame.empty:
        return {"gc.cycles": "no", "gc.mark_cpu_ms": "nan", "gc.mark_clock_ms": "nan"}, 0
    mark_cpu = frame[["cpu_assist_ms", "cpu_background_ms", "cpu_idle_ms"]].sum().sum()
    return {
        "gc.cycles": "yes",
        "gc.mark_cpu_ms": f"{mark_cpu:.1f}",
        "gc.mark_clock_ms": f"{frame['clock_mark_ms'].sum():.1f}",
    }, len(frame)
