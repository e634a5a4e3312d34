"""What each goroutine, region and task of a trace did, computed by Go's own code.

`go tool trace` builds its Goroutines, Regions and Tasks pages from one pass of
`internal/trace`'s `Summarizer` over the events. The lab runs the same code (compiled into a
small program, `_summary/main.go`, beside a copy of the pinned Go's `internal/trace`, as the
trace reader is) and reads its output here into tables; `goroutines.py` and `regions.py`
group them as those pages do, and add percentiles.

    s = gm.trace.summarize(t)       # t: a Trace read from a file, or the file
    s.goroutines                    # one row per goroutine: where its time went (ns)
    s.groups()                      # per start function, as the Goroutines page
    s.region_types(); s.task_types()  # count and latency percentiles per type
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from .. import tables, validate
from ..errors import GoCommandError, UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult, table_property
from . import fastread, goroutines, regions

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .result import Trace

SOURCE = Path(__file__).parent / "_summary" / "main.go"
_TIMES = ("exec", "sched_wait", "syscall", "syscall_block", "unknown", "total")


@dataclass(frozen=True, eq=False, repr=False)
class Summary(FrozenResult):
    """A trace's goroutines, regions and tasks as `internal/trace`'s Summarizer sees them.

    Times are ns since the trace's first event (-1: none); durations end in `_ns`.
    """

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        g="goroutine id",
        name="start function ('' when the trace never showed its stack)",
        created="when it was created, or the first time the trace saw it (ns)",
        started="when it first ran (ns; -1: never)",
        ended="when it exited (ns; -1: still alive at the trace's end)",
        total_ns="time present in the trace (ns)",
        exec_ns="running (ns)",
        sched_wait_ns="runnable, waiting for a P (ns)",
        block_ns="blocked, every reason together (ns; by reason: `.blocked`)",
        syscall_ns="in a system call, holding its P (ns)",
        syscall_block_ns="in a system call after its P was taken away (ns)",
        unknown_ns="the rest of total_ns (ns)",
        assist_ns="in GC mark assists (ns; overlaps the times above)",
    )
    """The columns of `.frame` (= `.goroutines`)."""
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ("groups",)

    data: dict
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def start(self) -> int:
        """The trace's first event (absolute ns: the zero of every time here)."""
        return int(self.data["start"])

    @property
    def duration_ns(self) -> int:
        """From the first to the last event the tool keeps (ns)."""
        return int(self.data["end"]) - self.start

    @table_property
    def goroutines(self) -> pd.DataFrame:
        """One row per goroutine: where its time went (see `FRAME_DOC`)."""
        return goroutines.table(self.data["goroutines"], self.start)

    @property
    def frame(self) -> pd.DataFrame:
        """The goroutines table (a copy)."""
        return self.goroutines

    @table_property
    def blocked(self) -> pd.DataFrame:
        """Blocked time by reason: g, name, reason (the runtime's wait reason), ns."""
        return goroutines.blocked(self.data["goroutines"])

    @table_property
    def in_ranges(self) -> pd.DataFrame:
        """Time in special ranges (GC mark assist, sweeping, ...): g, name, range, ns."""
        return goroutines.in_ranges(self.data["goroutines"])

    @table_property
    def regions(self) -> pd.DataFrame:
        """One row per region (`trace.WithRegion`, `StartRegion`): see `regions.table`."""
        return regions.region_table(self.data["regions"], self.start, self.duration_ns)

    @table_property
    def tasks(self) -> pd.DataFrame:
        """One row per task (`trace.NewTask`): see `regions.task_table`."""
        return regions.task_table(self.data["tasks"], self.start, self.duration_ns)

    def tool_breakdown(self) -> dict[int, dict[str, int]]:
        """Each goroutine's non-zero times (ns) under the names of `go tool trace`'s goroutine
        page ("Execution time", "Block time (chan receive)", ...; "Total")."""
        return goroutines.tool_breakdown(self._private("goroutines"), self._private("blocked"))

    def groups(self, percentiles: tuple[float, ...] = (50, 90, 99)) -> pd.DataFrame:
        """Per start function, as `go tool trace`'s Goroutines page groups them (sorted by
        total execution time): the count, every time summed over the group, and the
        `percentiles` (0-100) of each goroutine's running, runnable and blocked time."""
        return goroutines.groups(self._private("goroutines"), _percentiles(percentiles))

    def region_types(self, percentiles: tuple[float, ...] = (50, 90, 99)) -> pd.DataFrame:
        """Per region type and start frame, as the tool's Regions page: the count (every
        region, complete or not) and the `percentiles` (0-100) of the complete ones' latency."""
        return regions.by_type(
            self._private("regions"), ["type", "func", "pc"], _percentiles(percentiles)
        )

    def task_types(self, percentiles: tuple[float, ...] = (50, 90, 99)) -> pd.DataFrame:
        """Per task type, as the tool's Tasks page: the count (complete or not) and the
        `percentiles` (0-100) of the complete tasks' latency."""
        return regions.by_type(self._private("tasks"), ["type"], _percentiles(percentiles))

    def histogram(self, of: str, type_: str) -> dict[int, int]:
        """The tool's latency histogram of the regions or tasks (`of`) of type `type_`, its
        empty buckets left out: each bucket's shortest duration (ns, as the tool labels it;
        five buckets per power of ten) → count."""
        validate.choice(of, ("regions", "tasks"), "of")
        frame = self._private(of)
        return regions.histogram(frame[frame.type == type_], complete_only=of == "tasks")

    def _private(self, table: str) -> pd.DataFrame:
        prop = type(self).__dict__[table]
        assert isinstance(prop, table_property)
        return prop.private(self)

    def plot(self, kind: str = "groups", **options) -> Figure:
        """Where each group's goroutines spent their time: one bar per start function."""
        from .plots import goroutine_groups

        validate.choice(kind, self.PLOT_KINDS, "kind")
        return goroutine_groups(self.groups(), **options)

    def _repr_html_(self) -> str:
        return tables.to_html(
            self.groups()[["name", "count", "exec_ns", "sched_wait_ns", "block_ns"]],
            caption="goroutines by start function (internal/trace's Summarizer)",
        )


def _percentiles(values: tuple[float, ...]) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise UsageError(f"percentiles must be numbers from 0 to 100, not {values!r}") from None
    if not out or not all(0 <= v <= 100 for v in out):
        raise UsageError(f"percentiles must be numbers from 0 to 100, not {values!r}")
    return out


def parse_output(text: str, provenance: Provenance) -> Summary:
    """The program's JSON as a `Summary`; pure (GoCommandError for anything else)."""
    try:
        data = json.loads(text)
        for key in ("goroutines", "regions", "tasks"):
            if not isinstance(data[key], list):
                raise TypeError(key)
        int(data["start"]), int(data["end"])
        for g in data["goroutines"]:
            [int(g[name]) for name in _TIMES], str(g["name"]), dict(g["block"])
        for r in data["regions"]:
            int(r["start"]), int(r["end"]), str(r["type"]), int(r["stats"]["exec"])
        for t in data["tasks"]:
            int(t["start"]), int(t["end"]), str(t["type"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GoCommandError(f"the summary program printed no summary: {text[:200]!r}") from exc
    return Summary(data, provenance)


def compute(file: os.PathLike | str, *, timeout: float = 120.0) -> Summary:
    """The summary of the trace `file`."""
    done = fastread.run_program(
        SOURCE, [os.fspath(file)], doing=f"summarizing the trace {file}", timeout=timeout
    )
    provenance = Provenance.of(
        done.command, run_seconds=done.seconds, files=[file], go_version=done.go_version
    )
    return parse_output(done.stdout, provenance)


def summarize(trace: Trace | os.PathLike | str, *, timeout: float = 120.0) -> Summary:
    """Goroutines, regions and tasks of a trace (a `Trace` read from a file, or the file), as
    `go tool trace`'s Goroutines, Regions and Tasks pages compute them."""
    file = fastread.trace_file(trace, "summarize")
    return compute(file, timeout=validate.timeout(timeout))
