"""Minimum mutator utilization (MMU) of a trace, computed by Go's own code.

`go tool trace` draws the MMU curve on its /mmu page with a chart library it loads from
gstatic.com, so offline the page stays on "Loading plot...". The lab computes the same
numbers with the same functions (`internal/trace`'s `MutatorUtilizationV2` and `MMUCurve`,
compiled into a small program, `_mmu/main.go`, like the trace reader) and draws them itself.

MMU(w) is the smallest share of the machine's time left to your goroutines (the mutator) in
any window of length w of the trace: 0 means some window of w was all GC, 1 means no window
of w lost anything to it.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from ..errors import GoCommandError, UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from . import fastread

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .result import Trace

SOURCE = Path(__file__).parent / "_mmu" / "main.go"
FLAGS = {
    "stw": "stw",
    "background": "background",
    "assist": "assist",
    "sweep": "sweep",
    "perproc": "perProc",
}
"""What may count against the mutator (the tool's /mmu checkboxes), and the tool's names:
stop-the-world pauses, background mark workers, mark assists, sweeping; `perproc` looks at
each P alone (the tool's "Per-goroutine" view) instead of the whole machine."""
DEFAULT_FLAGS = ("stw", "background", "assist")
"""What the tool's MMU page counts when it opens."""


@dataclass(frozen=True, eq=False, repr=False)
class MMU(FrozenResult):
    """An MMU curve: `.frame` has one row per window (`FRAME_DOC`), `.plot()` draws it."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        window_s="window length (s)",
        mmu="minimum mutator utilization over every window of that length (0 to 1)",
    )
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ("mmu",)

    _table: pd.DataFrame
    flags: tuple[str, ...]
    provenance: Provenance = field(default_factory=Provenance)

    def at(self, window_s: float) -> float:
        """The MMU at a window this curve was computed for (s)."""
        rows = self._table[self._table.window_s == window_s]
        if rows.empty:
            raise UsageError(
                f"no window of {window_s!r} s in this curve: pass it in `windows=` to `Trace.mmu`"
            )
        return float(rows.mmu.iloc[0])

    def plot(self, kind: str = "mmu", **options) -> Figure:
        """The curve against window length (log axis), like `go tool trace`'s MMU page."""
        from .plots import mmu as draw

        if kind != "mmu":
            raise UsageError(f'an MMU curve draws only kind="mmu", not {kind!r}')
        return draw(self._table, flags=self.flags, **options)

    def _repr_html_(self) -> str:
        from .. import tables

        return tables.to_html(self._table, caption=f"MMU counting {', '.join(self.flags)}")


def tool_flags(flags: Iterable[str]) -> str:
    """`flags` (names of `FLAGS`) as the tool writes them in /mmu?flags= (UsageError else)."""
    if isinstance(flags, str):
        flags = (flags,)
    try:
        names = list(flags)
    except TypeError:
        raise UsageError(f"flags must be names from {tuple(FLAGS)}, not {flags!r}") from None
    unknown = [n for n in names if not isinstance(n, str) or n.lower() not in FLAGS]
    if unknown or not names:
        raise UsageError(
            f"unknown MMU flag(s) {unknown or 'none given'}: choose from {tuple(FLAGS)}"
        )
    return "|".join(dict.fromkeys(FLAGS[n.lower()] for n in names))


def window_ns(windows: Iterable[float] | None) -> list[int]:
    """Window lengths in seconds as whole nanoseconds (UsageError unless each is > 0 s and
    at least 1 ns; [] for None: the tool's own windows)."""
    if windows is None:
        return []
    if isinstance(windows, int | float):
        windows = (windows,)
    out = []
    for w in windows:
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w):
            raise UsageError(f"each window is a number of seconds, not {w!r}")
        if not 1e-9 <= w <= 9e9:
            raise UsageError(f"a window must be between 1 ns and 285 years, not {w!r} s")
        out.append(round(w * 1e9))
    if not out:
        raise UsageError("windows is empty: give window lengths in seconds, or None")
    return out


def parse_output(text: str, flags: tuple[str, ...], provenance: Provenance) -> MMU:
    """The program's (or the tool's /mmu?mode=plot) JSON as an `MMU`; pure."""
    try:
        curve = json.loads(text)["curve"]
        frame = pd.DataFrame(
            {
                "window_s": [float(w) / 1e9 for w, _ in curve],
                "mmu": [float(m) for _, m in curve],
            }
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise GoCommandError(f"the MMU program printed no curve: {text[:200]!r}") from exc
    return MMU(frame, flags, provenance)


def compute(
    file: os.PathLike | str,
    windows: Iterable[float] | None = None,
    flags: Iterable[str] = DEFAULT_FLAGS,
    *,
    timeout: float = 120.0,
) -> MMU:
    """The MMU of the trace `file` at `windows` (s; None: the 100 windows of the tool's plot),
    counting `flags` against the mutator."""
    names = tool_flags(flags)
    ns = window_ns(windows)
    done = fastread.run_program(
        SOURCE,
        [names, os.fspath(file), *map(str, ns)],
        doing=f"computing the MMU of {file}",
        timeout=timeout,
    )
    chosen = tuple(n.lower() for n in dict.fromkeys([flags] if isinstance(flags, str) else flags))
    provenance = Provenance.of(
        done.command, run_seconds=done.seconds, files=[file], go_version=done.go_version
    )
    return parse_output(done.stdout, chosen, provenance)


def mmu(
    trace: Trace | os.PathLike | str,
    windows: Iterable[float] | None = None,
    flags: Iterable[str] = DEFAULT_FLAGS,
    *,
    timeout: float = 120.0,
) -> MMU:
    """The MMU of a trace (a `Trace` read from a file, or the file) at `windows` (s; None: the
    100 windows of `go tool trace`'s MMU page) counting `flags` (`FLAGS`) against your code."""
    file = fastread.trace_file(trace, "compute the MMU from")
    return compute(file, windows, flags, timeout=timeout)
