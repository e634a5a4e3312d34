"""One parsed line of the lifetimes sample's output."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    """One JSON line the sample printed: `value` (in `unit`) of `metric` in `section`;
    `step` numbers the readings of a series, `t` is seconds since a time series began."""

    section: str
    metric: str
    value: float
    unit: str
    step: int | None = None
    t: float | None = None
    text: str = ""
    line_no: int = 0
    kind: str = "measurement"


@dataclass(frozen=True)
class OtherLine:
    """A well-formed line that is not a measurement (text, or JSON without section/metric)."""

    text: str
    line_no: int = 0
    kind: str = "other"


Record = Measurement | OtherLine
