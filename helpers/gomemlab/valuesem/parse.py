"""Read the valuesem sample's `cost` CSV (pure and total: a DataFrame or a ParseError)."""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ParseError
from ..validate import text as _text

HEADER = "bytes,passed,ns_per_call,allocs_per_call,bytes_allocated_per_call,calls"
"""The first line the Go program prints; the columns of `CopyCost.frame`."""
PASSED = ("value", "pointer")


def parse_copy_cost(text: str) -> pd.DataFrame:
    """The rows of the `cost` section's CSV as a DataFrame; ParseError naming a bad line.

    Columns: bytes (size of the value passed, B), passed ("value" or "pointer"),
    ns_per_call (mean time of one call, ns), allocs_per_call, bytes_allocated_per_call (B),
    calls (how many calls the measurement timed).
    """
    text = _text(text, "text")
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
            raise ParseError(
                "expected bytes,value|pointer,ns,allocs,bytes,calls", line_no=line_no, line=line
            ) from None
        if min(size, allocs, allocated) < 0 or calls <= 0 or not (math.isfinite(ns) and ns >= 0):
            raise ParseError("negative or empty measurement", line_no=line_no, line=line)
        rows.append((size, fields[1], ns, allocs, allocated, calls))
    frame = pd.DataFrame(rows, columns=HEADER.split(","))
    return frame.astype(
        {
            "bytes": "int64",
            "ns_per_call": "float64",
            "allocs_per_call": "int64",
            "bytes_allocated_per_call": "int64",
            "calls": "int64",
        }
    )
