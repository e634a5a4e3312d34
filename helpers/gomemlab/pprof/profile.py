"""`Profile`: a decoded pprof profile as tables (samples, top), plots and claim checks."""

from __future__ import annotations

import html
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import toolchain, workspace
from ..errors import GomemlabError, ParseError
from .decode import Decoded, Location, decode

FRAME_DOC = """\
Profile.frame: one row per sample.
callstack    tuple of function names, leaf (where the sample was taken) first
lines        tuple of "dir/file.go:N" for the same frames, leaf first
leaf         the leaf function; leaf_line: its "dir/file.go:N"
depth        number of frames (inlined calls count as frames)
<type>       one column per sample type, named as for -sample_index; units in
             Profile.units (memory: alloc_objects/inuse_objects count, alloc_space/
             inuse_space bytes; CPU: samples count, cpu nanoseconds)
label_<key>  one column per sample label (heap profiles: label_bytes = object size)

Profile.top(): function, flat, flat_pct, sum_pct, cum, cum_pct (flat/cum in the sample
type's unit; percentages of the total), like `go tool pprof -top`."""


@dataclass(frozen=True)
class Frame:
    """One frame of a stack: a function at a source line; `inline` if inlined into its caller."""

    function: str
    file: str
    line: int
    inline: bool

    @property
    def where(self) -> str:
        return f"{short_path(self.file)}:{self.line}"


def short_path(path: str) -> str:
    """The last folder and the file name: ".../src/strings/strings.go" -> "strings/strings.go"."""
    parts = path.replace("\\", "/").rsplit("/", 2)
    return "/".join(parts[-2:])


def _frames(location: Location) -> tuple[Frame, ...]:
    if not location.lines:
        return (Frame(f"0x{location.address:x}", "", 0, False),)
    last = len(location.lines) - 1
    return tuple(
        Frame(line.function.name if line.function else f"0x{location.address:x}",
              line.function.filename if line.function else "", line.line, i != last)
        for i, line in enumerate(location.lines))


_BINARY = {"bytes": ["B", "kB", "MB", "GB", "TB"]}


def format_value(value: float, unit: str) -> str:
    """A value the way `go tool pprof` prints it: 52.51MB, 370ms, 1015823."""
    if unit == "bytes":
        scaled, suffixes = float(value), _BINARY["bytes"]
        step = 0
        while abs(scaled) >= 1024 and step < len(suffixes) - 1:
            scaled /= 1024
            step += 1
        text = f"{scaled:.2f}".rstrip("0").rstrip(".")
        return f"{text}{suffixes[step]}" if step else f"{int(value)}B"
    if unit == "nanoseconds":
        for limit, suffix, div in ((1e9, "s", 1e9), (1e6, "ms", 1e6), (1e3, "µs", 1e3)):
            if abs(value) >= limit:
                return f"{value / div:.2f}".rstrip("0").rstrip(".") + suffix
        return f"{int(value)}ns"
    return f"{int(value):,}"


@dataclass
class Profile:
    """A pprof profile: sample types and units, samples with their stacks, and where it came
    from (`path`, `command`, `output` when it was recorded by `gm.pprof.run`)."""

    decoded: Decoded
    path: Path | None = None
    data: bytes = field(default=b"", repr=False)
    _node_cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    command: list[str] = field(default_factory=list)
    output: str = ""

    # --- what the profile holds -------------------------------------------------------------
    @property
    def sample_types(self) -> list[str]:
        return [vt.type for vt in self.decoded.sample_types]

    @property
    def units(self) -> dict[str, str]:
        return {vt.type: vt.unit for vt in self.decoded.sample_types}

    @property
    def default_index(self) -> str:
        """The sample type pprof shows by default (the declared default, else the last)."""
        return self.decoded.default_sample_type or self.sample_types[-1]

    @property
    def kind(self) -> str:
        """ "cpu", "memory", or the period type's name for other profiles."""
        types = set(self.sample_types)
        if "cpu" in types:
            return "cpu"
        if types & {"alloc_space", "inuse_space"}:
            return "memory"
        period = self.decoded.period_type
        return period.type if period else "unknown"

    @property
    def period(self) -> int:
        """Memory: the sampling rate in bytes (MemProfileRate); CPU: ns between samples."""
        return self.decoded.period

    @property
    def duration_s(self) -> float:
        return self.decoded.duration_nanos / 1e9

    def __len__(self) -> int:
        return len(self.decoded.samples)

    def _index(self, sample_index: str | None) -> int:
        name = sample_index or self.default_index
        if name not in self.sample_types:
            raise ValueError(f"no sample type {name!r} in this profile; it has "
                             f"{', '.join(self.sample_types)}")
        return self.sample_types.index(name)

    @cached_property
    def _location_frames(self) -> dict[int, tuple[Frame, ...]]:
        return {lid: _frames(loc) for lid, loc in self.decoded.locations.items()}

    def stacks(self) -> list[tuple[Frame, ...]]:
        """Each sample's frames, leaf first (inlined calls expanded)."""
        return self._stacks

    @cached_property
    def _stacks(self) -> list[tuple[Frame, ...]]:
        frames = self._location_frames
        return [tuple(f for lid in s.location_ids for f in frames[lid])
                for s in self.decoded.samples]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """One row per sample; columns and units: see `FRAME_DOC`."""
        stacks = self.stacks()
        data: dict[str, list] = {
            "callstack": [tuple(f.function for f in st) for st in stacks],
            "lines": [tuple(f.where for f in st) for st in stacks],
            "leaf": [st[0].function if st else "" for st in stacks],
            "leaf_line": [st[0].where if st else "" for st in stacks],
            "depth": [len(st) for st in stacks],
        }
        for i, name in enumerate(self.sample_types):
            data[name] = [s.values[i] for s in self.decoded.samples]
        keys = sorted({lb.key for s in self.decoded.samples for lb in s.labels})
        for key in keys:
            data[f"label_{key}"] = [
                next((lb.text or lb.number for lb in s.labels if lb.key == key), None)
                for s in self.decoded.samples]
        frame = pd.DataFrame(data)
        frame.attrs["units"] = self.units
        return frame

    def total(self, sample_index: str | None = None) -> int:
        """The sum of one sample type over all samples (pprof's "total")."""
        i = self._index(sample_index)
        return sum(abs(s.values[i]) for s in self.decoded.samples)

    # --- pprof's flat / cum table ------------------------------------------------------------
    def top(self, sample_index: str | None = None, n: int | None = 10, *,
            by: str = "function", sort: str = "flat") -> pd.DataFrame:
        """Like `go tool pprof -top -sample_index=... -nodecount=n`: one row per function
        (`by="line"`: per function and source line), sorted by flat (or `sort="cum"`).

        flat: the value of samples taken in the function itself (it is the leaf frame);
        cum: of samples with the function anywhere on the stack (counted once per sample).
        """
        if by not in ("function", "line"):
            raise ValueError(f"by must be 'function' or 'line', not {by!r}")
        i = self._index(sample_index)
        rows, total = self._nodes(i, by)
        rows = list(rows)
        if sort == "cum":
            rows.sort(key=lambda r: (-abs(r[2]), r[0], -abs(r[1])))
        elif sort == "flat":
            rows.sort(key=lambda r: (-abs(r[1]), r[0], -abs(r[2])))
        else:
            raise ValueError(f"sort must be 'flat' or 'cum', not {sort!r}")
        table = pd.DataFrame(rows[:n] if n else rows, columns=["function", "flat", "cum"])
        pct = 100.0 / total if total else 0.0
        table.insert(2, "flat_pct", (table.flat * pct).round(2))
        table.insert(3, "sum_pct", (table.flat.cumsum() * pct).round(2))
        table["cum_pct"] = (table.cum * pct).round(2)
        table.attrs.update(sample_index=self.sample_types[i], unit=self.units[self.sample_types[i]],
                           total=total)
        return table

    def _nodes(self, i: int, by: str) -> tuple[list[tuple[str, int, int]], int]:
        """(name, flat, cum) per node and the total, for sample type i (cached)."""
        key = (i, by)
        if key in self._node_cache:
            return self._node_cache[key]
        # Per location: the node names of its frames and whether each is inlined into the next.
        names_of: dict[int, tuple[str, ...]] = {}
        inline_of: dict[int, tuple[bool, ...]] = {}
        for lid, frames in self._location_frames.items():
            names_of[lid] = tuple(f.function if by == "function" else f"{f.function} {f.where}"
                                  for f in frames)
            inline_of[lid] = tuple(f.inline for f in frames)
        flat: dict[str, int] = defaultdict(int)
        cum: dict[str, int] = defaultdict(int)
        edge_inline: dict[tuple[str, str], bool] = {}
        total = 0
        for sample in self.decoded.samples:
            value = sample.values[i]
            if value == 0 or not sample.location_ids:
                continue
            total += abs(value)
            names = [name for lid in sample.location_ids for name in names_of[lid]]
            inline = [flag for lid in sample.location_ids for flag in inline_of[lid]]
            flat[names[0]] += value
            for name in set(names):
                cum[name] += value
            for edge in zip(names, names[1:], inline, strict=False):
                if edge[0] != edge[1]:  # an edge is inline only if every call along it is
                    pair = edge[:2]
                    if edge_inline.get(pair, True) and not edge[2]:
                        edge_inline[pair] = False
                    elif pair not in edge_inline:
                        edge_inline[pair] = True
        marks: dict[str, set[bool]] = defaultdict(set)
        for (name, _), is_inline in edge_inline.items():
            marks[name].add(is_inline)
        suffix = {frozenset({True}): " (inline)", frozenset({True, False}): " (partial-inline)"}
        rows = [(name + suffix.get(frozenset(marks.get(name, ())), ""), flat.get(name, 0), c)
                for name, c in cum.items()]
        self._node_cache[key] = (rows, total)
        return rows, total

    def flat(self, function: str, sample_index: str | None = None) -> int:
        """The flat value of the functions matching the regex `function` (0 if none)."""
        table = self.top(sample_index, None)
        return int(table[table.function.map(_matcher(function))].flat.sum())

    def cum(self, function: str, sample_index: str | None = None) -> int:
        """The value of samples with a function matching the regex `function` on the stack."""
        i = self._index(sample_index)
        match = _matcher(function)
        return sum(s.values[i] for s, stack in zip(self.decoded.samples, self.stacks(),
                                                   strict=True)
                   if any(match(f.function) for f in stack))

    def value(self, sample_index: str | None = None, *, leaf: str | None = None,
              under: str | None = None) -> int:
        """The summed value of samples whose innermost function matches the regex `leaf` and
        whose stack has a function matching `under` (like pprof's -focus); None matches all.

        `p.value("alloc_objects", leaf="^strings.Fields$", under="countWasteful")`: objects
        strings.Fields allocated when called (directly or not) from countWasteful.
        """
        i = self._index(sample_index)
        leaf_match = _matcher(leaf) if leaf else None
        under_match = _matcher(under) if under else None
        total = 0
        for sample, stack in zip(self.decoded.samples, self.stacks(), strict=True):
            if leaf_match and not (stack and leaf_match(stack[0].function)):
                continue
            if under_match and not any(under_match(f.function) for f in stack):
                continue
            total += sample.values[i]
        return total

    # --- claim checks ------------------------------------------------------------------------
    def expect_hot_spot(self, function: str, sample_index: str | None = None, *,
                        at_least_pct: float = 50.0, flat: bool = False) -> float:
        """Assert functions matching `function` account for at least `at_least_pct` % of the
        total (cum, or flat with `flat=True`); returns the percentage."""
        total = self.total(sample_index)
        value = self.flat(function, sample_index) if flat else self.cum(function, sample_index)
        pct = 100.0 * value / total if total else 0.0
        if pct < at_least_pct:
            shown = self.top(sample_index, 8).to_string(index=False)
            what = "flat" if flat else "cum"
            raise AssertionError(
                f"{function} accounts for {pct:.1f}% ({what}) of "
                f"{self.sample_types[self._index(sample_index)]}, expected at least "
                f"{at_least_pct}%. Top of the profile:\n{shown}")
        return pct

    def expect_absent(self, function: str, sample_index: str | None = None) -> None:
        """Assert no sample with a non-zero value has `function` (a regex) on its stack."""
        value = self.cum(function, sample_index)
        if value:
            unit = self.units[self.sample_types[self._index(sample_index)]]
            raise AssertionError(f"{function} is still in the profile: "
                                 f"{format_value(value, unit)} under it")

    # --- views -------------------------------------------------------------------------------
    def plot_top(self, sample_index: str | None = None, n: int = 10, **kwargs):
        """Bar chart of the top functions, flat and cum (a matplotlib Figure)."""
        from .plots import top_bars

        return top_bars(self.top(sample_index, n), **kwargs)

    def plot(self, kind: str = "top", sample_index: str | None = None, **kwargs):
        """`kind="top"`: bar chart of the top functions; `"flame"`: flame graph."""
        if kind == "top":
            return self.plot_top(sample_index, **kwargs)
        if kind == "flame":
            return self.flame(sample_index, **kwargs)
        raise ValueError(f"kind must be 'top' or 'flame', not {kind!r}")

    def _goroot(self) -> str | None:
        """The GOROOT of the toolchain that built the profiled program, read off its runtime
        frames (the profile may come from another machine or checkout); else the lab's own."""
        for fn in self.decoded.functions.values():
            where = (fn.filename or "").find("/src/runtime/")
            if fn.name.startswith("runtime.") and where > 0:
                return fn.filename[:where]
        try:
            return str(toolchain.find_go().goroot)
        except GomemlabError:
            return None

    def flame(self, sample_index: str | None = None, **kwargs):
        """An icicle-style flame graph: callers above callees, widths proportional to value."""
        from .plots import family, flame_graph

        i = self._index(sample_index)
        name = self.sample_types[i]
        frame = self.frame[["callstack", name]].rename(columns={name: "value"})
        goroot = self._goroot()
        families = {fn.name: family(fn.name, fn.filename, goroot)
                    for fn in self.decoded.functions.values()}
        return flame_graph(frame, unit=self.units[name], sample_index=name, families=families,
                           **kwargs)

    def list(self, function: str, sample_index: str | None = None):
        """`go tool pprof -list FUNCTION`: the source of matching functions, line by line, with
        flat and cum values (the real tool's output)."""
        from .tools import pprof_list

        return pprof_list(self, function, sample_index or self.default_index)

    def web(self, sample_index: str | None = None, *, view: str = "/"):
        """Start `go tool pprof -http` on 127.0.0.1 (a WebUI: open `.url`, then `.stop()`)."""
        from .tools import pprof_web

        return pprof_web(self, sample_index or self.default_index, view=view)

    def summary(self) -> dict:
        """Kind, number of samples, period, duration and each sample type's total (formatted)."""
        return {
            "kind": self.kind, "n_samples": len(self), "period": self.period,
            "duration_s": round(self.duration_s, 3),
            "totals": {name: format_value(self.total(name), unit)
                       for name, unit in self.units.items()},
        }

    def _repr_html_(self) -> str:
        s = self.summary()
        unit = self.units[self.default_index]
        totals = ", ".join(f"{name} <b>{html.escape(value)}</b>"
                           for name, value in s["totals"].items())
        period = (f"one sample per {format_value(self.period, 'bytes')} allocated"
                  if self.kind == "memory" else
                  f"one sample per {format_value(self.period, 'nanoseconds')} of CPU"
                  if self.kind == "cpu" else f"period {self.period}")
        where = f" from <code>{html.escape(self.path.name)}</code>" if self.path else ""
        table = self.top(n=10)
        shown = pd.DataFrame({
            "flat": [format_value(v, unit) for v in table.flat],
            "flat%": [f"{v:.2f}%" for v in table.flat_pct],
            "sum%": [f"{v:.2f}%" for v in table.sum_pct],
            "cum": [format_value(v, unit) for v in table.cum],
            "cum%": [f"{v:.2f}%" for v in table.cum_pct],
            "function": table.function,
        })
        return (f"<div><b>Profile</b> ({html.escape(self.kind)}{where}): {len(self)} samples, "
                f"{period}; totals: {totals}.<br>Top functions by flat "
                f"{html.escape(self.default_index)}:{shown.to_html(index=False)}</div>")

    def __repr__(self) -> str:
        return (f"Profile({self.kind}, {len(self)} samples, types "
                f"{', '.join(self.sample_types)}, default {self.default_index})")

    def file(self) -> Path:
        """The profile as a file for `go tool pprof`: `path`, else the bytes in a scratch file."""
        if self.path is not None and self.path.is_file():
            return self.path
        if not self.data:
            raise ValueError("this profile has neither a file nor its bytes")
        out = workspace.scratch_dir("pprof") / "profile.pb.gz"
        out.write_bytes(self.data)
        self.path = out
        return out


def _matcher(pattern: str):
    regex = re.compile(pattern)
    return lambda name: bool(regex.search(name))


def parse(data: bytes, *, path: str | os.PathLike | None = None) -> Profile:
    """Decode pprof bytes (gzip-compressed profile.proto) into a Profile (pure; ParseError on
    corrupt, truncated or foreign input)."""
    return Profile(decode(data), path=Path(path) if path else None, data=bytes(data))


def load(path: str | os.PathLike) -> Profile:
    """Read and decode a profile file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read profile {path}: {exc.strerror}") from None
    try:
        return parse(data, path=path)
    except ParseError as exc:
        raise ParseError(f"{path.name}: {exc}") from None
