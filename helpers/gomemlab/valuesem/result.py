"""The measured cost of passing values by value and by pointer, as a frozen result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd
from matplotlib.figure import Figure

from .. import tables
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from .parse import PASSED

FRAME_DOC = FrameDoc(
    {
        "bytes": "size of the value passed (B)",
        "passed": '"value" or "pointer"',
        "ns_per_call": "mean time of one call (ns)",
        "allocs_per_call": "heap allocations per call",
        "bytes_allocated_per_call": "heap bytes allocated per call (B)",
        "calls": "how many calls the measurement timed",
    }
)


@dataclass(frozen=True, eq=False, repr=False)
class CopyCost(FrozenResult):
    """Measured time per call, passing each size by value and by pointer (`frame`: FRAME_DOC)."""

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ("cost",)

    _table: pd.DataFrame
    provenance: Provenance = field(default_factory=Provenance)

    def ns(self, size: int, passed: str) -> float:
        """Nanoseconds per call for one size (bytes) and way of passing."""
        match = self.frame[(self.frame.bytes == size) & (self.frame.passed == passed)]
        if match.empty:
            sizes = ", ".join(str(s) for s in sorted(self.frame.bytes.unique()))
            raise UsageError(
                f"no measurement for {size} bytes passed by {passed!r}: the sizes "
                f"are {sizes} and passed is one of {', '.join(PASSED)}"
            )
        return float(match.ns_per_call.iloc[0])

    def summary(self) -> pd.DataFrame:
        """One row per size: ns per call by value, by pointer, and their ratio."""
        wide = self.frame.pivot(index="bytes", columns="passed", values="ns_per_call")
        wide = wide[list(PASSED)].rename(columns=lambda c: f"ns by {c}")
        wide["value ÷ pointer"] = wide["ns by value"] / wide["ns by pointer"]
        wide.columns.name = None
        wide.index.name = "bytes passed"
        return wide.round(2)

    table = summary
    """The name notebooks used before `summary`."""

    def expect_no_allocations(self) -> CopyCost:
        """Passing by value or by pointer here allocates nothing on the heap; returns the
        result."""
        bad = self.frame[
            (self.frame.allocs_per_call > 0) | (self.frame.bytes_allocated_per_call > 0)
        ]
        if not bad.empty:
            raise AssertionError(f"expected no heap allocations, but:\n{bad.to_string()}")
        return self

    def expect_value_slower(self, size: int, *, at_least: float) -> CopyCost:
        """Passing `size` bytes by value costs at least `at_least` times passing a pointer;
        returns the result."""
        ratio = self.ns(size, "value") / self.ns(size, "pointer")
        if ratio < at_least:
            raise AssertionError(
                f"at {size} B, by value was only {ratio:.1f}x the pointer's time "
                f"(expected at least {at_least}x):\n{self.summary().to_string()}"
            )
        return self

    def plot(self, kind: str = "cost") -> Figure:
        """`kind="cost"`: ns per call against the size passed (log-log), by value and pointer."""
        from ..validate import choice
        from .plots import copy_cost

        choice(kind, self.PLOT_KINDS, "kind")
        return copy_cost(self.frame)

    def settings(self) -> str:
        """How each case was timed, in words (from the command), e.g. "fastest of 5 runs of
        20ms each"; "" when the command is unknown."""
        flags = dict(
            arg.lstrip("-").split("=", 1)
            for arg in self.provenance.command
            if arg.startswith("-") and "=" in arg
        )
        if "benchtime" not in flags or "count" not in flags:
            return ""
        runs = "1 run" if flags["count"] == "1" else f"fastest of {flags['count']} runs"
        return f"{runs} of {flags['benchtime']} each"

    def __repr__(self) -> str:
        how = self.settings()
        head = f"CopyCost ({how})" if how else "CopyCost"
        return f"{head}\n{self.summary().to_string()}"

    def _repr_html_(self) -> str:
        frame = self.summary().reset_index()
        frame["bytes passed"] = [tables.format_bytes(b) for b in frame["bytes passed"]]
        how = self.settings()
        title = "Time of one call, passing each size by value and by pointer"
        caption = f"{title} ({how})" if how else title
        made = self.provenance._repr_html_() if self.provenance.command else ""
        return tables.to_html(frame, caption=caption) + made
