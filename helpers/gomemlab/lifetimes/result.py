"""The frozen result of one run of the lifetimes sample: its measurements as a frame, single
values and series by name, claim checks, plots, and the profiles the run wrote."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import pandas as pd

from .. import tables
from ..deprecation import deprecated
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from .parse import parse_lines
from .records import Measurement, OtherLine, Record

FRAME_DOC = FrameDoc(
    section="the sample's section: pool, poolsize, finalizers, cycles, exit, weak, unique, "
    "substring, maps, goroutines, timers, scavenge, settings, address",
    metric="what was measured, e.g. `hits`, `strings_live`, `released`",
    step="the reading's place in a series (pool: collections before the Get; maps: 0 filled, "
    "1 deleted all, 2 cleared, 3 copied to a new map; scavenge: sample number); <NA> for "
    "single values",
    t_s="seconds since the series began (scavenge readings), NaN otherwise (s)",
    value="the measured value, in `unit`",
    unit="bytes · count · cycles (GC cycles) · bool (0/1) · percent · address · event · value",
    text='a message that came with the value (a recovered panic), "" otherwise',
    line_no="the line of the program's output it came from (1-based)",
)
"""`LifetimesRun.frame`: one row per measurement the sample printed (one JSON line)."""

FRAME_COLUMNS = ("section", "metric", "step", "t_s", "value", "unit", "text", "line_no")
MIB = 2**20


def _frame(measurements: list[Measurement]) -> pd.DataFrame:
    rows = [
        (
            m.section,
            m.metric,
            m.step,
            math.nan if m.t is None else m.t,
            m.value,
            m.unit,
            m.text,
            m.line_no,
        )
        for m in measurements
    ]
    frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    frame["step"] = frame["step"].astype("Int64")
    frame["t_s"] = frame["t_s"].astype(float)
    frame["value"] = frame["value"].astype(float)
    return frame


@dataclass(frozen=True, repr=False)
class LifetimesRun(FrozenResult):
    """What one run of `gosamples/lifetimes` measured; `frame` columns: see FRAME_DOC.

    `value("hits", step=1)`, `series("hits")` and `expect(...)` read it; `profiles` maps
    "heap" / "goroutineleak" to the profile files the run wrote (`profile(kind)` decodes one).
    """

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ("pool", "scavenge", "bars")

    records: tuple[Record, ...]
    sections: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)
    profiles: Mapping[str, Path] = field(default_factory=dict)
    _table: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", tuple(self.records))
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))
        object.__setattr__(self, "_table", _frame(self.measurements))

    @property
    def measurements(self) -> list[Measurement]:
        """The single measurements (not the time series), in order."""
        return [r for r in self.records if isinstance(r, Measurement)]

    @property
    def other(self) -> list[OtherLine]:
        """Lines that were not measurements (kept, never dropped)."""
        return [r for r in self.records if isinstance(r, OtherLine)]

    @property
    def frame(self) -> pd.DataFrame:
        """One row per measurement (a copy); columns and units: see FRAME_DOC."""
        return self._table.copy()

    @property
    def metrics(self) -> list[str]:
        """The names of the measured time series, in the order they first appear."""
        return list(dict.fromkeys(self._table.metric))

    def _rows(self, metric: str, section: str | None) -> pd.DataFrame:
        t = self._table
        rows = t[(t.metric == metric) & ((t.section == section) if section else True)]
        if rows.empty:
            where = f" in section {section!r}" if section else ""
            raise UsageError(
                f"this run measured no {metric!r}{where}; it measured: "
                f"{', '.join(self.metrics) or 'nothing'}"
            )
        return rows

    def has(self, metric: str, section: str | None = None) -> bool:
        """Whether the run printed `metric` (e.g. a finalizer that ran before exit)."""
        t = self._table
        return bool(((t.metric == metric) & ((t.section == section) if section else True)).any())

    def value(self, metric: str, *, step: int | None = None, section: str | None = None) -> float:
        """The value of `metric` (the reading at `step` for a series; the last one if None)."""
        rows = self._rows(metric, section)
        if step is not None:
            rows = rows[rows.step == step]
            if rows.empty:
                raise UsageError(f"{metric!r} has no reading at step {step}")
        return float(rows.value.iloc[-1])

    def text(self, metric: str, section: str | None = None) -> str:
        """The message printed with `metric`."""
        return str(self._rows(metric, section).text.iloc[-1])

    def series(self, metric: str, section: str | None = None) -> pd.Series:
        """Every reading of `metric`, indexed by step."""
        rows = self._rows(metric, section)
        return pd.Series(rows.value.to_numpy(), index=pd.Index(rows.step, name="step"), name=metric)

    def timeline(self, section: str = "scavenge") -> pd.DataFrame:
        """A series section as one row per step: `t_s` and one column per metric."""
        t = self._table[(self._table.section == section) & self._table.step.notna()]
        if t.empty:
            raise UsageError(f"this run has no series from section {section!r}")
        wide = t.pivot_table(index="step", columns="metric", values="value", aggfunc="last")
        wide.insert(0, "t_s", t.groupby("step").t_s.first())
        wide.columns.name = None
        return wide.reset_index()

    @deprecated('gm.lifetimes.profile(run, "heap")')
    def profile(self, kind: str = "heap") -> Any:
        """The old name of `gm.lifetimes.profile(run, kind)` (a result reads no files)."""
        from .run import profile

        return profile(self, kind)

    def expect(
        self,
        metric: str,
        *,
        at_least: float | None = None,
        at_most: float | None = None,
        equals: float | None = None,
        step: int | None = None,
        section: str | None = None,
    ) -> LifetimesRun:
        """Check a measured value against bounds; AssertionError quoting the run if it fails.
        Returns the run (the value itself: `value(metric, ...)`)."""
        value = self.value(metric, step=step, section=section)
        wrong = [
            f"{name} {bound:g}"
            for name, bound, ok in (
                ("at least", at_least, at_least is None or value >= at_least),
                ("at most", at_most, at_most is None or value <= at_most),
                ("exactly", equals, equals is None or value == equals),
            )
            if not ok
        ]
        if wrong:
            at = f" at step {step}" if step is not None else ""
            raise AssertionError(
                f"{metric}{at} = {value:g}, expected {' and '.join(wrong)}\n"
                f"  {self.provenance.line()}"
            )
        return self

    def summary(self) -> pd.DataFrame:
        """One row per single value (series are left to `series`/`timeline`), readable units."""
        t = self._table[self._table.step.isna()]

        def shown(row: pd.Series) -> str:
            if row.unit == "bytes":
                return tables.format_bytes(row.value)
            return tables.format_number(row.value) + (
                f" {row.unit}" if row.unit in ("cycles", "percent") else ""
            )

        return pd.DataFrame(
            {
                "section": t.section,
                "metric": t.metric,
                "value": [shown(r) for r in t.itertuples()],
                "note": t.text,
            }
        ).reset_index(drop=True)

    def plot(self, kind: str = "auto", **options: Any):
        """A figure: `pool` (Get hits after k collections), `scavenge` (heap classes and RSS
        over time), `bars` (byte metrics side by side: `metrics=[...]`, `labels=[...]`),
        `auto` picks by section."""
        from . import plots

        if kind == "auto":
            kind = {"pool": "pool", "scavenge": "scavenge"}.get(
                self.sections[0] if len(self.sections) == 1 else "", "bars"
            )
        if kind not in self.PLOT_KINDS:
            raise UsageError(
                f"kind must be one of {', '.join(self.PLOT_KINDS)} or 'auto', not {kind!r}"
            )
        if kind == "pool":
            return plots.pool_hits(
                self.series("hits", "pool"), trials=self.value("trials", section="pool"), **options
            )
        if kind == "scavenge":
            return plots.scavenge(self.timeline("scavenge"), **options)
        metrics = options.pop("metrics", None) or [
            m for m in dict.fromkeys(self._table[self._table.unit == "bytes"].metric)
        ]
        values = [self.value(m) for m in metrics]
        return plots.bars(values, options.pop("labels", None) or metrics, **options)

    def _repr_html_(self) -> str:
        caption = f"lifetimes: {', '.join(self.sections)} · {self.provenance.line()}"
        return tables.to_html(self.summary(), caption=caption)

    def __repr__(self) -> str:
        return (
            f"LifetimesRun(sections={list(self.sections)}, {len(self.measurements)} measurements)"
        )


def parse(
    text: str, *, sections: tuple[str, ...] = (), provenance: Provenance | None = None
) -> LifetimesRun:
    """A LifetimesRun from the sample's output text (pure)."""
    return LifetimesRun(parse_lines(text), sections, provenance=provenance or Provenance())
