"""`Profile`: a decoded pprof profile as tables (samples, top), plots and claim checks.

A Profile is frozen and built once (by `parse`, `load` or `gm.pprof.run`). It starts no
process itself: `list`, `web` and `pprof` hand its file to `tools.py` (`go tool pprof`).
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from .. import tables, validate
from ..deprecation import deprecated
from ..errors import ParseError, UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult, table_property
from . import diff as diffs
from .parse import Decoded, decode
from .records import Location

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..webui import WebUI
    from .flame import FlameNode
    from .tools import ToolReport

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
type's unit; percentages of the total), like `go tool pprof -top`. In a diff the total is
the base's and a percentage keeps the change's sign (pprof prints its absolute value).
Profile.summary(): sample_type, unit, total, shown (the total as pprof prints it)."""

DIFF_BASE_LABEL = diffs.BASE_LABEL
DIFF_PLOT_KINDS = ("top", "flame", "flame_gregg")
"""`ProfileDiff.plot(kind=...)`: the top table as bars, pprof's differential flame graph (width:
both profiles, a bar for the net change) or Brendan Gregg's (width: the new profile, colour:
the change)."""
PLOT_KINDS = ("top", "flame")
"""What `Profile.plot(kind=...)` draws: a bar chart of the top functions, or a flame graph."""
TOP_BY = ("function", "line")
TOP_SORT = ("flat", "cum")


@dataclass(frozen=True)
class StackFrame:
    """One frame of a call stack: a function at a source line; `inline` if inlined into its
    caller."""

    function: str
    file: str
    line: int
    inline: bool

    @property
    def where(self) -> str:
        """Its source position as "dir/file.go:N"."""
        return f"{short_path(self.file)}:{self.line}"


@validate.typed
def short_path(path: str) -> str:
    """The last folder and the file name: ".../src/strings/strings.go" -> "strings/strings.go"."""
    parts = path.replace("\\", "/").rsplit("/", 2)
    return "/".join(parts[-2:])


def _frames(location: Location) -> tuple[StackFrame, ...]:
    if not location.lines:
        return (StackFrame(f"0x{location.address:x}", "", 0, False),)
    last = len(location.lines) - 1
    return tuple(
        StackFrame(
            line.function.name if line.function else f"0x{location.address:x}",
            line.function.filename if line.function else "",
            line.line,
            i != last,
        )
        for i, line in enumerate(location.lines)
    )


_BYTE_SUFFIXES = ["B", "kB", "MB", "GB", "TB"]


def format_value(value: float, unit: str) -> str:
    """A value the way `go tool pprof` prints it: 52.51MB, 370ms, 1015823."""
    if unit == "bytes":
        scaled, step = float(value), 0
        while abs(scaled) >= 1024 and step < len(_BYTE_SUFFIXES) - 1:
            scaled /= 1024
            step += 1
        text = f"{scaled:.2f}".rstrip("0").rstrip(".")
        return f"{text}{_BYTE_SUFFIXES[step]}" if step else f"{int(value)}B"
    if unit == "nanoseconds":
        for limit, suffix, div in ((1e9, "s", 1e9), (1e6, "ms", 1e6), (1e3, "µs", 1e3)):
            if abs(value) >= limit:
                return f"{value / div:.2f}".rstrip("0").rstrip(".") + suffix
        return f"{int(value)}ns"
    return f"{int(value):,}"


def _exact_sums(keys: np.ndarray, weights: np.ndarray, size: int) -> list[int]:
    """Sum of `weights` per key in range(size), exactly (ints)."""
    if not len(keys):
        return [0] * size
    if float(np.abs(weights.astype(np.float64)).sum()) < 2.0**52:
        # Every partial sum is an integer below 2**53: float64 adds them exactly.
        return np.bincount(keys, weights=weights, minlength=size).astype(np.int64).tolist()
    sums = [0] * size
    for key, weight in zip(keys.tolist(), weights.tolist(), strict=True):
        sums[key] += weight
    return sums


def _positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The position in `sorted_ids` of each of `ids` (all among them): a lookup table when
    the ids are dense enough (as the location ids a Go profile numbers from 1), else a
    binary search."""
    if len(sorted_ids) and int(sorted_ids[-1]) < 4 * len(sorted_ids) + 4096:
        table = np.zeros(int(sorted_ids[-1]) + 1, dtype=np.int64)
        table[sorted_ids.astype(np.int64)] = np.arange(len(sorted_ids))
        return table[ids.astype(np.int64)]
    return np.searchsorted(sorted_ids, ids.astype(np.uint64))


def _abs_sum(values: np.ndarray) -> int:
    """The sum of the absolute values of int64 `values`, exactly (numpy's int64 sum when it
    cannot overflow, else Python's ints)."""
    if not len(values):
        return 0
    magnitudes = np.abs(values)
    if values.min() > np.iinfo(np.int64).min and int(magnitudes.max()) * len(values) < 2**63:
        return int(magnitudes.sum())
    return sum(abs(v) for v in values.tolist())


def _distinct(keys: np.ndarray, bound: int) -> np.ndarray:
    """The distinct values of `keys` (all in range(bound)), sorted."""
    if bound <= 1 << 26:  # a bitmap of at most 64 MiB beats sorting
        seen = np.zeros(bound, dtype=bool)
        seen[keys] = True
        return np.flatnonzero(seen)
    return np.unique(keys)


def _inline_suffixes(
    node: np.ndarray,
    inline: np.ndarray,
    live: np.ndarray,
    sample_of_frame: np.ndarray,
    n_nodes: int,
) -> dict[int, str]:
    """pprof's " (inline)" for a function every call edge of which is inlined into its caller,
    " (partial-inline)" when some edges are and some are not (an edge, callee to caller, is
    inlined when every call along it is)."""
    inline_nodes = np.zeros(n_nodes, dtype=bool)
    inline_nodes[node[inline & live]] = True
    callee = np.flatnonzero(
        inline_nodes[node[:-1]]
        & live[:-1]
        & live[1:]
        & (sample_of_frame[:-1] == sample_of_frame[1:])
        & (node[:-1] != node[1:])
    )
    if not len(callee):
        return {}
    edge = node[callee] * n_nodes + node[callee + 1]
    edges, which = np.unique(edge, return_inverse=True)
    not_inline = np.bincount(which, weights=~inline[callee], minlength=len(edges)) > 0
    callee_of_edge = edges // n_nodes
    some_inline = np.bincount(callee_of_edge, weights=~not_inline, minlength=n_nodes) > 0
    some_not = np.bincount(callee_of_edge, weights=not_inline, minlength=n_nodes) > 0
    return {
        int(k): " (partial-inline)" if some_not[k] else " (inline)"
        for k in np.flatnonzero(some_inline)
    }


@dataclass(frozen=True)
class _Expanded:
    """The samples' stacks with inlined calls expanded into frames, as columns."""

    frame_index: np.ndarray  # per frame: index into Profile._frame_list
    sample_of_frame: np.ndarray
    frame_starts: np.ndarray  # sample i's frames: frame_starts[i]:frame_starts[i + 1]


@dataclass(frozen=True, eq=False, repr=False)
class Profile(FrozenResult):
    """A pprof profile: sample types and units, samples with their stacks, and where it came
    from (`path`, `provenance`, and the run's `output` when `gm.pprof.run` recorded it)."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        callstack="tuple of function names, leaf (where the sample was taken) first",
        lines='tuple of "dir/file.go:N" for the same frames, leaf first',
        leaf="the leaf function",
        leaf_line='the leaf\'s "dir/file.go:N"',
        depth="number of frames; inlined calls count as frames (count)",
        alloc_objects="heap profile: objects allocated (count)",
        alloc_space="heap profile: bytes allocated (bytes)",
        inuse_objects="heap profile: objects not yet freed when the profile was written (count)",
        inuse_space="heap profile: bytes not yet freed when the profile was written (bytes)",
        samples="CPU profile: samples taken (count)",
        cpu="CPU profile: CPU time (nanoseconds)",
        contentions="block/mutex profile: events (count)",
        delay="block/mutex profile: time waited (nanoseconds)",
        goroutine="goroutine profile: goroutines (count)",
        **{"label_*": "one column per sample label (heap: label_bytes = object size, bytes)"},
    )
    """Columns of `.frame`: one per sample type (named as for -sample_index; units in
    `Profile.units`), after the stack columns. `top()` and `summary()`: module `FRAME_DOC`."""
    PLOT_KINDS: ClassVar[tuple[str, ...]] = PLOT_KINDS

    decoded: Decoded
    path: Path | None = None
    data: bytes = field(default=b"", repr=False)
    provenance: Provenance = field(default_factory=Provenance)
    output: str = ""
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # --- what the profile holds -------------------------------------------------------------
    @property
    def command(self) -> tuple[str, ...]:
        """The command that recorded the profile (empty for a file loaded as it is)."""
        return self.provenance.command

    @property
    def sample_types(self) -> list[str]:
        """The sample types' names (what `-sample_index` takes), in file order."""
        return [vt.type for vt in self.decoded.sample_types]

    @property
    def units(self) -> dict[str, str]:
        """Each sample type's unit ("bytes", "count", "nanoseconds")."""
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
        """How long the recording lasted, in seconds (0 when the profile does not say)."""
        return self.decoded.duration_nanos / 1e9

    def __len__(self) -> int:
        return len(self.decoded)

    def _index(self, sample_index: str | None) -> int:
        name = sample_index or self.default_index
        if name not in self.sample_types:
            raise UsageError(
                f"sample_index: no sample type {name!r} in this profile; it has "
                f"{', '.join(self.sample_types)}"
            )
        return self.sample_types.index(name)

    @cached_property
    def _location_frames(self) -> dict[int, tuple[StackFrame, ...]]:
        return {lid: _frames(loc) for lid, loc in self.decoded.locations.items()}

    @cached_property
    def _frame_list(self) -> tuple[tuple[StackFrame, ...], np.ndarray, np.ndarray]:
        """Every location's frames in one list, with each sorted location id's first entry
        and frame count."""
        ids = sorted(self._location_frames)
        frames = [f for lid in ids for f in self._location_frames[lid]]
        counts = np.array([len(self._location_frames[lid]) for lid in ids], dtype=np.int64)
        starts = np.cumsum(counts) - counts
        return tuple(frames), starts, counts

    @cached_property
    def _expanded(self) -> _Expanded:
        decoded = self.decoded
        _, loc_starts, loc_counts = self._frame_list
        positions = _positions(
            np.array(sorted(decoded.locations), dtype=np.int64), decoded.stack_ids
        )
        counts = loc_counts[positions] if len(positions) else np.zeros(0, np.int64)
        entries_before = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=entries_before[1:])
        frame_starts = entries_before[decoded.stack_starts]
        total = int(entries_before[-1])
        if total == len(positions):  # no location of a sample has inlined frames
            frame_index = loc_starts[positions]
        else:
            frame_index = np.repeat(loc_starts[positions] - entries_before[:-1], counts)
            frame_index += np.arange(total, dtype=np.int64)
        sample_of_frame = np.repeat(np.arange(len(decoded), dtype=np.int64), np.diff(frame_starts))
        return _Expanded(frame_index, sample_of_frame, frame_starts)

    def _node_ids(self, by: str) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Per frame in `_frame_list`: its node id (by function, or function and line), the
        node names, and whether the frame is inlined into its caller."""
        key = ("nodes", by)
        if key not in self._cache:
            frames, _, _ = self._frame_list
            names: dict[str, int] = {}
            ids = [
                names.setdefault(
                    f.function if by == "function" else f"{f.function} {f.where}", len(names)
                )
                for f in frames
            ]
            self._cache[key] = (
                np.array(ids, dtype=np.int64),
                list(names),
                np.array([f.inline for f in frames], dtype=bool),
            )
        return self._cache[key]

    def _per_sample(self, of_location: dict[int, tuple]) -> list[tuple]:
        """For each sample, its locations' entries of `of_location` joined, leaf first."""
        ids = self.decoded.stack_ids.tolist()
        starts = self.decoded.stack_starts.tolist()
        join = itertools.chain.from_iterable
        memo: dict[tuple[int, ...], tuple] = {}
        out = []
        for a, b in itertools.pairwise(starts):
            stack = tuple(ids[a:b])
            joined = memo.get(stack)
            if joined is None:
                joined = memo[stack] = tuple(join(map(of_location.__getitem__, stack)))
            out.append(joined)
        return out

    def stacks(self) -> list[tuple[StackFrame, ...]]:
        """Each sample's frames, leaf first (inlined calls expanded)."""
        return self._per_sample(self._location_frames)

    @table_property
    def frame(self) -> pd.DataFrame:
        """One row per sample; columns and units: see `FRAME_DOC`."""
        frames = self._location_frames
        callstack = self._per_sample(
            {lid: tuple(f.function for f in fs) for lid, fs in frames.items()}
        )
        lines = self._per_sample({lid: tuple(f.where for f in fs) for lid, fs in frames.items()})
        data: dict[str, Any] = {
            "callstack": callstack,
            "lines": lines,
            "leaf": [st[0] if st else "" for st in callstack],
            "leaf_line": [st[0] if st else "" for st in lines],
            "depth": [len(st) for st in callstack],
        }
        for i, name in enumerate(self.sample_types):
            data[name] = self.decoded.values[:, i]
        labels = self.decoded.labels
        for key in sorted({lb.key for _, lb in self.decoded.label_rows}):
            data[f"label_{key}"] = [
                next((lb.text or lb.number for lb in ls if lb.key == key), None) for ls in labels
            ]
        frame = pd.DataFrame(data)
        frame.attrs["units"] = self.units
        return frame

    def total(self, sample_index: str | None = None) -> int:
        """The sum of the absolute values of one sample type over all samples (pprof's
        "total"); in a diff (samples labelled `pprof::base`), over the base's samples only."""
        column = self.decoded.values[:, self._index(sample_index)]
        return self._pprof_total(column, np.ones(len(column), dtype=bool))

    def _pprof_total(self, column: np.ndarray, counted: np.ndarray) -> int:
        """pprof's report.computeTotal over the `counted` samples: |values| summed, only the
        diff base's when it has any."""
        base = counted & self._base_samples()
        if base.any():
            base_total = _abs_sum(column[base])
            if base_total > 0:
                return base_total
        return _abs_sum(column[counted])

    def _base_samples(self) -> np.ndarray:
        """A mask of the samples labelled `pprof::base` (the negated base of a diff)."""
        if "base samples" not in self._cache:
            d = self.decoded
            mask = np.zeros(len(d), dtype=bool)
            table = np.asarray(d.label_table, dtype=np.int64).reshape(-1, 5)
            is_base = np.array([s == DIFF_BASE_LABEL for s in d.strings], dtype=bool)
            if len(table) and is_base.any():
                mask[table[is_base[table[:, 1]], 0]] = True
            self._cache["base samples"] = mask
        return self._cache["base samples"]

    def diff(self, base: Profile, *, normalize: bool = False) -> ProfileDiff:
        """This profile minus `base`, as `go tool pprof -diff_base BASE THIS` (`-normalize`
        with `normalize`: this profile scaled to the base's total first), for every sample type.
        The result: a `ProfileDiff`."""
        return diff_profiles(self, base, normalize=normalize)

    # --- pprof's flat / cum table ------------------------------------------------------------
    def top(
        self,
        sample_index: str | None = None,
        n: int | None = 10,
        *,
        by: str = "function",
        sort: str = "flat",
    ) -> pd.DataFrame:
        """Like `go tool pprof -top -sample_index=... -nodecount=n`: one row per function
        (`by="line"`: per function and source line), sorted by flat (or `sort="cum"`).

        flat: the value of samples taken in the function itself (it is the leaf frame);
        cum: of samples with the function anywhere on the stack (counted once per sample).
        """
        from .. import validate

        validate.choice(by, TOP_BY, "by")
        validate.choice(sort, TOP_SORT, "sort")
        if n is not None:
            validate.count(n, "n", minimum=0)
        i = self._index(sample_index)
        rows, total = self._nodes(i, by)
        column = 2 if sort == "cum" else 1
        other = 1 if sort == "cum" else 2
        rows = sorted(rows, key=lambda r: (-abs(int(r[column])), r[0], -abs(int(r[other]))))
        table = pd.DataFrame(rows[:n] if n else rows, columns=["function", "flat", "cum"])
        pct = 100.0 / total if total else 0.0
        table.insert(2, "flat_pct", (table.flat * pct).round(2))
        table.insert(3, "sum_pct", (table.flat.cumsum() * pct).round(2))
        table["cum_pct"] = (table.cum * pct).round(2)
        table.attrs.update(
            sample_index=self.sample_types[i], unit=self.units[self.sample_types[i]], total=total
        )
        return table

    def _nodes(self, i: int, by: str) -> tuple[list[tuple[str, int, int]], int]:
        """(name, flat, cum) per node and the total, for sample type i (cached)."""
        key = ("top", i, by)
        if key in self._cache:
            return self._cache[key]
        node, names, inline = self._frame_nodes(by)
        x = self._expanded
        n_nodes = len(names)
        values = self.decoded.values[:, i]
        counted = (values != 0) & (np.diff(x.frame_starts) > 0)
        total = self._pprof_total(values, counted)
        flat = _exact_sums(node[x.frame_starts[:-1][counted]], values[counted], n_nodes)
        live = counted[x.sample_of_frame]
        pairs = _distinct(x.sample_of_frame[live] * n_nodes + node[live], len(self) * n_nodes)
        cum = _exact_sums(pairs % n_nodes, values[pairs // n_nodes], n_nodes)
        present = np.zeros(n_nodes, dtype=bool)
        present[pairs % n_nodes] = True
        suffix = _inline_suffixes(node, inline, live, x.sample_of_frame, n_nodes)
        # pprof's graph leaves out a node whose flat and cum are both 0 (selectNodesForGraph):
        # in a diff, a function whose base and new values cancel.
        rows = [
            (names[k] + suffix.get(k, ""), flat[k], cum[k])
            for k in np.flatnonzero(present).tolist()
            if flat[k] or cum[k]
        ]
        self._cache[key] = (rows, total)
        return rows, total

    def _frame_nodes(self, by: str) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Per expanded frame: its node id and whether it is inlined; the node names."""
        key = ("frame nodes", by)
        if key not in self._cache:
            node_of, names, inline_of = self._node_ids(by)
            index = self._expanded.frame_index
            self._cache[key] = (node_of[index], names, inline_of[index])
        return self._cache[key]

    def _samples_with(self, function: str) -> np.ndarray:
        """A mask of the samples with a function matching the regex `function` on the stack."""
        node_of, names, _ = self._node_ids("function")
        match = _matcher(function)
        wanted = np.array([match(name) for name in names], dtype=bool)
        mask = np.zeros(len(self), dtype=bool)
        if len(wanted):
            x = self._expanded
            mask[x.sample_of_frame[wanted[node_of[x.frame_index]]]] = True
        return mask

    def _leaf_matches(self, function: str) -> np.ndarray:
        node_of, names, _ = self._node_ids("function")
        match = _matcher(function)
        wanted = np.array([match(name) for name in names] + [False], dtype=bool)
        x = self._expanded
        has = np.diff(x.frame_starts) > 0
        leaf = np.full(len(self), len(names), dtype=np.int64)
        leaf[has] = node_of[x.frame_index[x.frame_starts[:-1][has]]]
        return wanted[leaf]

    def flat(self, function: str, sample_index: str | None = None) -> int:
        """The flat value of the functions matching the regex `function` (0 if none)."""
        table = self.top(sample_index, None)
        return int(table[table.function.map(_matcher(function))].flat.sum())

    def cum(self, function: str, sample_index: str | None = None) -> int:
        """The value of samples with a function matching the regex `function` on the stack."""
        return self.value(sample_index, under=function)

    def value(
        self, sample_index: str | None = None, *, leaf: str | None = None, under: str | None = None
    ) -> int:
        """The summed value of samples whose innermost function matches the regex `leaf` and
        whose stack has a function matching `under` (like pprof's -focus); None matches all.

        `p.value("alloc_objects", leaf="^strings.Fields$", under="countWasteful")`: objects
        strings.Fields allocated when called (directly or not) from countWasteful.
        """
        values = self.decoded.values[:, self._index(sample_index)]
        mask = np.ones(len(self), dtype=bool)
        if leaf:
            mask &= self._leaf_matches(leaf)
        if under:
            mask &= self._samples_with(under)
        return sum(values[mask].tolist())

    # --- claim checks ------------------------------------------------------------------------
    def share_pct(
        self, function: str, sample_index: str | None = None, *, flat: bool = False
    ) -> float:
        """The percentage of the total under functions matching `function` (a regex): cum,
        or flat with `flat=True`."""
        total = self.total(sample_index)
        value = self.flat(function, sample_index) if flat else self.cum(function, sample_index)
        return 100.0 * value / total if total else 0.0

    def expect_hot_spot(
        self,
        function: str,
        sample_index: str | None = None,
        *,
        at_least_pct: float = 50.0,
        flat: bool = False,
    ) -> Profile:
        """Assert functions matching `function` account for at least `at_least_pct` % of the
        total (cum, or flat with `flat=True`); returns the profile (the percentage:
        `share_pct(function, ...)`)."""
        pct = self.share_pct(function, sample_index, flat=flat)
        if pct < at_least_pct:
            shown = self.top(sample_index, 8).to_string(index=False)
            what = "flat" if flat else "cum"
            raise AssertionError(
                f"{function} accounts for {pct:.1f}% ({what}) of "
                f"{self.sample_types[self._index(sample_index)]}, expected at least "
                f"{at_least_pct}%. Top of the profile:\n{shown}"
            )
        return self

    def expect_absent(self, function: str, sample_index: str | None = None) -> Profile:
        """Assert no sample with a non-zero value has `function` (a regex) on its stack;
        returns the profile."""
        value = self.cum(function, sample_index)
        if value:
            unit = self.units[self.sample_types[self._index(sample_index)]]
            raise AssertionError(
                f"{function} is still in the profile: {format_value(value, unit)} under it. "
                f"Top of the profile:\n{self.top(sample_index, 8).to_string(index=False)}"
            )
        return self

    # --- views -------------------------------------------------------------------------------
    def plot(self, kind: str = "top", sample_index: str | None = None, **options: Any) -> Figure:
        """`kind="top"`: bar chart of the top functions (`n=10`, `title=`); `"flame"`: flame
        graph (`root=` a regex to start stacks at, `min_fraction=`, `max_depth=`, `title=`)."""
        from .. import validate
        from . import flame, flame_plot, plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        i = self._index(sample_index)
        name = self.sample_types[i]
        if kind == "top":
            n = options.pop("n", 10)
            return plots.top_bars(self.top(name, n), **options)
        goroot = self._goroot()
        families = {
            fn.name: plots.family(fn.name, fn.filename, goroot)
            for fn in self.decoded.functions.values()
        }
        root = options.pop("root", None)
        layout = flame.plain_layout(
            self.flame_tree(name, root=root),
            unit=self.units[name],
            sample_index=name,
            root=root,
            families=families,
            **options,
        )
        return flame_plot.draw(layout)

    def flame_tree(self, sample_index: str | None = None, *, root: str | None = None) -> FlameNode:
        """The call tree a flame graph draws: from the callers down, each node's values summed
        over the samples through it (one series: the sample type's value); `root`: a regex,
        each stack starts at its caller-most frame matching it (stacks without one left out).
        Built from the profile's columns, without `frame`."""
        column = self.decoded.values[:, [self._index(sample_index)]]
        return self._tree(column, root)

    def _tree(self, values: np.ndarray, root: str | None) -> FlameNode:
        from . import flame

        if root is not None:
            validate.pattern(root, "root")
        node, names, _ = self._frame_nodes("function")
        return flame.tree_of_columns(node, names, self._expanded.frame_starts, values, root=root)

    def _goroot(self) -> str | None:
        """The GOROOT of the toolchain that built the profiled program, read off its runtime
        frames (the profile may come from another machine or checkout); else that of the `go`
        command that recorded it (its provenance); None when neither says."""
        for fn in self.decoded.functions.values():
            where = (fn.filename or "").find("/src/runtime/")
            if fn.name.startswith("runtime.") and where > 0:
                return fn.filename[:where]
        go = Path(self.provenance.command[0]) if self.provenance.command else None
        return str(go.parent.parent) if go is not None and go.parent.name == "bin" else None

    @deprecated("gm.pprof.tool_text(profile, *options)")
    def pprof(self, *options: str, timeout: float = 120.0) -> ToolReport:
        """What `go tool pprof OPTIONS... FILE` prints for this profile (e.g. "-top")."""
        from .tools import pprof_text

        return pprof_text(self, *options, timeout=timeout)

    @deprecated("gm.pprof.source_lines(profile, function)")
    def list(self, function: str, sample_index: str | None = None) -> ToolReport:
        """`go tool pprof -list FUNCTION`: the source of matching functions, line by line, with
        flat and cum values (the real tool's output)."""
        from .tools import source_lines

        return source_lines(self, function, sample_index)

    @deprecated("gm.pprof.web(profile)")
    def web(self, sample_index: str | None = None, *, view: str = "/") -> WebUI:
        """Start `go tool pprof -http` on 127.0.0.1 (a WebUI: open `.url`, then `.stop()`)."""
        from .tools import web

        return web(self, sample_index, view=view)

    def summary(self) -> pd.DataFrame:
        """One row per sample type: its unit and total (also as pprof prints it); the kind,
        number of samples, period and duration are in `.attrs`."""
        table = pd.DataFrame(
            [
                (name, unit, self.total(name), format_value(self.total(name), unit))
                for name, unit in self.units.items()
            ],
            columns=["sample_type", "unit", "total", "shown"],
        )
        table.attrs.update(
            kind=self.kind,
            n_samples=len(self),
            period=self.period,
            duration_s=round(self.duration_s, 3),
        )
        return table

    def _repr_html_(self) -> str:
        s = self.summary()
        unit = self.units[self.default_index]
        totals = ", ".join(
            f"{html.escape(name)} <b>{html.escape(value)}</b>"
            for name, value in zip(s.sample_type, s.shown, strict=True)
        )
        period = (
            f"one sample per {format_value(self.period, 'bytes')} allocated"
            if self.kind == "memory"
            else f"one sample per {format_value(self.period, 'nanoseconds')} of CPU"
            if self.kind == "cpu"
            else f"period {self.period}"
        )
        where = f" from <code>{html.escape(self.path.name)}</code>" if self.path else ""
        table = self.top(n=10)
        shown = pd.DataFrame(
            {
                "flat": [format_value(v, unit) for v in table.flat],
                "flat%": [f"{v:.2f}%" for v in table.flat_pct],
                "sum%": [f"{v:.2f}%" for v in table.sum_pct],
                "cum": [format_value(v, unit) for v in table.cum],
                "cum%": [f"{v:.2f}%" for v in table.cum_pct],
                "function": table.function,
            }
        )
        made = (
            f"<div style='font-size:12px;color:#555'><code>"
            f"{html.escape(self.provenance.line())}</code></div>"
            if self.provenance.command
            else ""
        )
        return (
            f"<div><b>Profile</b> ({html.escape(self.kind)}{where}): {len(self)} samples, "
            f"{period}; totals: {totals}.{made}"
            f"{tables.to_html(shown, caption=f'Top functions by flat {self.default_index}')}"
            "</div>"
        )

    def __repr__(self) -> str:
        return (
            f"Profile({self.kind}, {len(self)} samples, types "
            f"{', '.join(self.sample_types)}, default {self.default_index})"
        )


def _matcher(pattern: str) -> Callable[[str], bool]:
    from .. import validate

    regex = re.compile(validate.pattern(pattern, "function"))
    return lambda name: bool(regex.search(name))


def parse(
    data: bytes,
    *,
    path: str | os.PathLike | None = None,
    provenance: Provenance | None = None,
    output: str = "",
) -> Profile:
    """Decode pprof bytes (gzip-compressed profile.proto) into a Profile (pure; ParseError on
    corrupt, truncated or foreign input, or more than `parse.MAX_PROFILE_BYTES` unpacked)."""
    return Profile(
        decode(data),
        path=Path(path) if path else None,
        data=bytes(data),
        provenance=provenance or Provenance(),
        output=output,
    )


def load(
    path: str | os.PathLike, *, provenance: Provenance | None = None, output: str = ""
) -> Profile:
    """Read and decode a profile file."""
    if not isinstance(path, str | os.PathLike):
        hint = ": for bytes, use gm.pprof.parse(data)" if isinstance(path, bytes) else ""
        raise UsageError(f"path must be a file name or Path, not {type(path).__name__}{hint}")
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read profile {path}: {exc.strerror}") from None
    try:
        return parse(
            data, path=path, provenance=provenance or Provenance.of(files=[path]), output=output
        )
    except ParseError as exc:
        raise ParseError(f"{path.name}: {exc}") from None


@dataclass(frozen=True, eq=False, repr=False)
class ProfileDiff(Profile):
    """NEW minus BASE, as `go tool pprof -diff_base BASE NEW` sees it: a Profile whose base
    samples are negated and labelled `pprof::base`, with the two profiles it compares.

    `top()` gives pprof's -top of the diff (flat and cum may be negative; percentages of the
    base's total), `changes()` a table per function of base, new and the change, and
    `plot("flame")` / `plot("flame_gregg")` the two differential flame graphs."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        **Profile.FRAME_DOC,
        **{f"label_{DIFF_BASE_LABEL}": '"true" on the base profile\'s samples (values negated)'},
    )
    PLOT_KINDS: ClassVar[tuple[str, ...]] = DIFF_PLOT_KINDS

    new: Profile | None = field(default=None, repr=False)
    base: Profile | None = field(default=None, repr=False)
    normalized: bool = False

    @property
    def base_mask(self) -> np.ndarray:
        """True for the samples that came from the base profile."""
        return self._base_samples()

    def sides(self, sample_index: str | None = None) -> pd.DataFrame:
        """One row per call stack (callers last, as in `frame`): `base` and `new` (both as
        positive amounts, new rescaled when normalized) and `delta` = new − base."""
        name = self.sample_types[self._index(sample_index)]
        frame = self.frame[["callstack", name]]
        frame = frame.assign(side=np.where(self.base_mask, "base", "new"), amount=frame[name].abs())
        table = frame.pivot_table(
            index="callstack", columns="side", values="amount", aggfunc="sum", fill_value=0
        )
        table = table.reindex(columns=["base", "new"], fill_value=0).reset_index()
        table["delta"] = table["new"] - table["base"]
        table.columns.name = None
        table.attrs.update(sample_index=name, unit=self.units[name])
        return table

    def changes(self, sample_index: str | None = None, n: int | None = 10) -> pd.DataFrame:
        """Per function: its cum in the base and the new profile and the change (cum of the
        diff), largest changes first: what `-top -cum` of each side and of the diff say."""
        name = self.sample_types[self._index(sample_index)]
        assert self.new is not None and self.base is not None
        diff = self.top(name, None).set_index("function")
        new = self._side_profile("new").top(name, None).set_index("function")
        base = self.base.top(name, None).set_index("function")
        table = pd.DataFrame(
            {
                "base": base.cum.reindex(diff.index, fill_value=0),
                "new": new.cum.reindex(diff.index, fill_value=0),
                "delta": diff.cum,
            }
        )
        table = table.reset_index().rename(columns={"index": "function"})
        order = table.delta.abs().sort_values(ascending=False, kind="stable").index
        table = table.loc[order].reset_index(drop=True)
        table.attrs.update(sample_index=name, unit=self.units[name])
        return table.head(n) if n else table

    def _side_profile(self, side: str) -> Profile:
        """The new profile as the diff holds it (rescaled when normalized), or the base."""
        assert self.new is not None and self.base is not None
        if side == "base" or not self.normalized:
            return self.new if side == "new" else self.base
        values, keep = diffs.normalized_values(
            self.new.decoded.values.astype(np.int64), self.base.decoded.values.astype(np.int64)
        )
        mask = keep
        stacks, starts = diffs.kept_stacks(self.new.decoded, mask, 0)
        d = self.new.decoded
        decoded = Decoded(
            sample_types=d.sample_types,
            locations=d.locations,
            functions=d.functions,
            mappings=d.mappings,
            stack_ids=stacks,
            stack_starts=starts,
            values=values[mask],
            label_table=diffs.kept_labels(d.label_table, mask, 0, 0),
            strings=d.strings,
            period_type=d.period_type,
            period=d.period,
        )
        return Profile(decoded, provenance=self.new.provenance)

    def plot(self, kind: str = "top", sample_index: str | None = None, **options: Any) -> Figure:
        """`kind="top"`: bars of the diff's top functions; `"flame"`: pprof's differential
        flame graph; `"flame_gregg"`: Brendan Gregg's (options as for `Profile.plot`)."""
        from .. import validate
        from . import flame, flame_plot

        validate.choice(kind, self.PLOT_KINDS, "kind")
        if kind == "top":
            return super().plot("top", sample_index, **options)
        name = self.sample_types[self._index(sample_index)]
        root = options.pop("root", None)
        make = flame.pprof_diff_layout if kind == "flame" else flame.gregg_diff_layout
        layout = make(
            self.flame_tree(name, root=root),
            unit=self.units[name],
            sample_index=name,
            root=root,
            **options,
        )
        return flame_plot.draw(layout)

    def flame_tree(self, sample_index: str | None = None, *, root: str | None = None) -> FlameNode:
        """The call tree the differential flame graphs draw: two series per node, (base, new),
        both as positive amounts (new rescaled when normalized), as `sides()` sums them per
        call stack; `root` as for `Profile.flame_tree`."""
        amount = np.abs(self.decoded.values[:, self._index(sample_index)])
        base = self.base_mask
        sides = np.column_stack([np.where(base, amount, 0), np.where(base, 0, amount)])
        return self._tree(sides, root)

    def _repr_html_(self) -> str:
        how = " (new normalized to the base's total)" if self.normalized else ""
        return (
            f"<div><b>Profile diff</b>{how}: new − base, as <code>go tool pprof -diff_base"
            f"</code> computes it; percentages are of the base's total.{super()._repr_html_()}"
            "</div>"
        )

    def __repr__(self) -> str:
        return f"ProfileDiff({self.kind}, {len(self)} samples, normalized={self.normalized})"


def diff_profiles(new: Profile, base: Profile, *, normalize: bool = False) -> ProfileDiff:
    """NEW minus BASE, as `go tool pprof -diff_base BASE NEW` (`-normalize` with `normalize`)."""
    for name, value in (("new", new), ("base", base)):
        if not isinstance(value, Profile):
            raise UsageError(
                f"diff: {name} must be a Profile (gm.pprof.load or gm.pprof.run), not "
                f"{type(value).__name__}"
            )
    if not isinstance(normalize, bool):
        raise UsageError(f"normalize must be True or False, not {normalize!r}")
    merged = diffs.merge_for_diff(new.decoded, base.decoded, normalize=normalize)
    files = tuple(str(p.path) for p in (base, new) if p.path is not None)
    return ProfileDiff(
        merged,
        provenance=dataclasses.replace(new.provenance, files=files),
        new=new,
        base=base,
        normalized=normalize,
    )
