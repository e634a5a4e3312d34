"""Pure and total: the lifetimes sample's output (JSON lines) -> records.

A line that starts with `{` must be a JSON object; with `section` and `metric` keys it is a
`Measurement` and its fields must have the right types. Any other non-blank line, and JSON
objects without those keys, are kept as `OtherLine`. Anything else is a ParseError.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..errors import ParseError, UsageError
from .records import Measurement, OtherLine, Record

_NUMBER = (int, float)


def _number(value: Any, name: str, line_no: int, line: str) -> float:
    if isinstance(value, bool) or not isinstance(value, _NUMBER) or not math.isfinite(value):
        raise ParseError(
            f"{name} must be a finite number, not {value!r}", line_no=line_no, line=line
        )
    return float(value)


def _text(value: Any, name: str, line_no: int, line: str) -> str:
    if not isinstance(value, str):
        raise ParseError(f"{name} must be text, not {value!r}", line_no=line_no, line=line)
    return value


def parse_line(line: str, line_no: int = 1) -> Record | None:
    """One line -> a record (None for a blank line)."""
    if not isinstance(line, str):
        raise UsageError(f"line must be text (str), not {type(line).__name__} {line!r:.60}")
    stripped = line.strip()
    if not stripped:
        return None
    if not stripped.startswith("{"):
        return OtherLine(stripped, line_no)
    try:
        data = json.loads(stripped, parse_constant=lambda c: c)
    except (ValueError, RecursionError) as error:
        raise ParseError(f"not a JSON object: {error}", line_no=line_no, line=line) from None
    if "section" not in data or "metric" not in data:
        return OtherLine(stripped, line_no)
    if "value" not in data:
        raise ParseError("a measurement has no value", line_no=line_no, line=line)
    step = data.get("step")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
        raise ParseError(f"step must be a whole number, not {step!r}", line_no=line_no, line=line)
    t = data.get("t")
    return Measurement(
        section=_text(data["section"], "section", line_no, line),
        metric=_text(data["metric"], "metric", line_no, line),
        value=_number(data["value"], "value", line_no, line),
        unit=_text(data.get("unit", ""), "unit", line_no, line),
        step=step,
        t=None if t is None else _number(t, "t", line_no, line),
        text=_text(data.get("text", ""), "text", line_no, line),
        line_no=line_no,
    )


def parse_lines(text: str) -> tuple[Record, ...]:
    """Every non-blank line of `text` as a record, in order."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}")
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        record = parse_line(line, number)
        if record is not None:
            records.append(record)
    return tuple(records)
