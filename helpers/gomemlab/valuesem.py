"""What copying a value costs: run the valuesem sample's `cost` section, table it, plot it.

The Go program (`gosamples/valuesem`, section `cost`) passes arrays of 8 B to 32 KiB to a
non-inlined function, once by value and once by pointer, timed with `testing.Benchmark`,
and prints CSV. `copy_cost()` runs it; `parse_copy_cost` reads the CSV (pure, total).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from .errors import ParseError
from .programs import run
from .settings import quick

HEADER = "bytes,passed,ns_per_call,allocs_per_call,bytes_allocated_per_call,calls"
"""The first line the Go program prints; the columns of `CopyCost.frame`."""
PASSED = ("value", "pointer")


def parse_copy_cost(text: str) -> pd.DataFrame:
    """The rows of the `cost` section's CSV as a DataFrame; ParseError naming a bad line.

    Columns: bytes (size of the value passed, B), passed ("value" or "pointer"),
    ns_per_call (mean time of one call, ns), allocs_per_call, bytes_allocated_per_call (B),
    calls (how many calls the measurement timed).
    """
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines or lines[0][1] != HEADER:
        first = lines[0] if lines else (1, "")
        raise ParseError(f"expected the header {HEADER!r}", line_no=first[0], line=first[1])
    rows = []
    for line_no, line in lines[1:]:
        fields = line.split(",")
        try:
            if len(fields) != 6 or fields[1] not in PASSED:
                raise ValueError
            size, ns = int(fields[0]), float(fields[2])
            allocs, allocated, calls = (int(f) for f in fields[3:])
        except ValueError:
            raise ParseError("expected bytes,value|pointer,ns,allocs,bytes,calls",
                             line_no=line_no, line=line) from None
        if min(size, allocs, allocated) < 0 or calls <= 0 or not (math.isfinite(ns) and ns >= 0):
            raise ParseError("negative or empty measurement", line_no=line_no, line=line)
        rows.append((size, fields[1], ns, allocs, allocated, calls))
    frame = pd.DataFrame(rows, columns=HEADER.split(","))
    return frame.astype({"bytes": "int64", "ns_per_call": "float64", "allocs_per_call": "int64",
                         "bytes_allocated_per_call": "int64", "calls": "int64"})


@dataclass(frozen=True)
class CopyCost:
    """Measured time per call, passing each size by value and by pointer."""

    frame: pd.DataFrame
    command: str = ""

    def ns(self, size: int, passed: str) -> float:
        """Nanoseconds per call for one size (bytes) and way of passing."""
        match = self.frame[(self.frame.bytes == size) & (self.frame.passed == passed)]
        if match.empty:
            raise KeyError(f"no measurement for {size} bytes passed by {passed}")
        return float(match.ns_per_call.iloc[0])

    def table(self) -> pd.DataFrame:
        """One row per size: ns per call by value, by pointer, and their ratio."""
        wide = self.frame.pivot(index="bytes", columns="passed", values="ns_per_call")
        wide = wide[list(PASSED)].rename(columns=lambda c: f"ns by {c}")
        wide["value ÷ pointer"] = wide["ns by value"] / wide["ns by pointer"]
        wide.columns.name = None
        wide.index.name = "bytes passed"
        return wide.round(2)

    def expect_no_allocations(self) -> None:
        """Passing by value or by pointer here allocates nothing on the heap."""
        bad = self.frame[(self.frame.allocs_per_call > 0)
                         | (self.frame.bytes_allocated_per_call > 0)]
        if not bad.empty:
            raise AssertionError(f"expected no heap allocations, but:\n{bad.to_string()}")

    def expect_value_slower(self, size: int, *, at_least: float) -> None:
        """Passing `size` bytes by value costs at least `at_least` times passing a pointer."""
        ratio = self.ns(size, "value") / self.ns(size, "pointer")
        if ratio < at_least:
            raise AssertionError(
                f"at {size} B, by value was only {ratio:.1f}x the pointer's time "
                f"(expected at least {at_least}x):\n{self.table().to_string()}")

    def plot(self):
        return plot_copy_cost(self.frame)

    def _repr_html_(self) -> str:
        caption = f"<p><code>{html.escape(self.command)}</code></p>" if self.command else ""
        return caption + self.table().to_html()


def plot_copy_cost(frame: pd.DataFrame):
    """Log-log lines of ns per call against the size passed, by value and by pointer."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    for passed, marker in zip(PASSED, ("o", "s"), strict=True):
        part = frame[frame.passed == passed].sort_values("bytes")
        ax.plot(part.bytes, part.ns_per_call, marker=marker, label=f"passed by {passed}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    sizes = sorted(frame.bytes.unique())
    ax.set_xticks(sizes, [_size_label(s) for s in sizes])
    ax.set_xlabel("size of the value passed (bytes, log scale)")
    ax.set_ylabel("time per call (ns, log scale)")
    ax.set_title("Does passing a bigger value cost more?")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def _size_label(size: int) -> str:
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} B"


def copy_cost(*, benchtime: str | None = None, count: int | None = None,
              timeout: float = 300.0) -> CopyCost:
    """Run the valuesem sample's `cost` section (shorter in quick mode) and parse it."""
    benchtime = benchtime or ("10ms" if quick() else "200ms")
    count = count or 3
    args = [f"-benchtime={benchtime}", f"-count={count}", "cost"]
    done = run("valuesem", args, timeout=timeout)
    return CopyCost(parse_copy_cost(done.stdout), command="valuesem " + " ".join(args))
