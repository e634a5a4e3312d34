"""Several profiles per side compared in benchstat's spirit: which call stacks (or functions)
appeared, disappeared, grew or shrank, and which changes are only noise.

The rule, stated once: each stack's value is taken in every profile (0 where a profile lacks
it; with `normalize`, as a share of that profile's total, so runs of different lengths
compare). Two sides differ when the two-sided Mann–Whitney U test (`gm.bench.stats`, the test
benchstat uses) gives p ≤ alpha (0.05); then the verdict is "appeared" (no base profile has
the stack), "disappeared" (no new profile has it), else "grew" or "shrank" by the medians.
Otherwise it is "~": no evidence of a change. The test is exact, ties included (a stack absent
from every profile of one side is a row of zeros), so with n profiles per side p cannot go
below 2 / C(2n, n): 4 per side is the least that can show a change at 0.05, and 10 is
benchstat's advice. Pure: nothing here runs Go.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from .. import tables, validate
from ..bench import stats
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from .result import Profile, format_value

COMPARE_BY = ("stack", "function")
VERDICTS = ("appeared", "disappeared", "grew", "shrank", "~")
STACK_SEPARATOR = ";"
"""Frames of a stack in `frame.key`, callers first (Brendan Gregg's folded format)."""


@dataclass(frozen=True, eq=False, repr=False)
class RepeatedComparison(FrozenResult):
    """Base profiles against new ones, one row per stack (or function): see the module's rule.
    `verdicts()` is the short table of what changed."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        key='the call stack, callers first, ";" between frames (or the function, by="function")',
        base_median="median over the base profiles (the sample type's unit, or share of the "
        "profile's total with normalize)",
        new_median="median over the new profiles (same unit)",
        delta="new_median − base_median (same unit)",
        n_base="base profiles that have the stack (count)",
        n_new="new profiles that have the stack (count)",
        p="two-sided Mann–Whitney U p-value of the per-profile values",
        verdict='"appeared", "disappeared", "grew", "shrank", or "~" (p > alpha)',
    )
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ()

    _table: pd.DataFrame
    sample_index: str
    unit: str
    by: str
    normalize: bool
    alpha: float
    sides: tuple[int, int]
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def can_detect(self) -> bool:
        """Whether the smaller side is large enough for any p ≤ alpha (4 at 0.05)."""
        return min(self.sides) >= stats.min_n_for_difference(self.alpha)

    def verdicts(self, n: int | None = 10) -> pd.DataFrame:
        """The rows whose verdict is not "~", largest |delta| first (at most `n`)."""
        table = self._table[self._table.verdict != "~"]
        table = table.reindex(table.delta.abs().sort_values(ascending=False, kind="stable").index)
        table = table.reset_index(drop=True)
        return table.head(n) if n else table

    def counts(self) -> dict[str, int]:
        """How many rows got each verdict."""
        found = self._table.verdict.value_counts().to_dict()
        return {v: int(found.get(v, 0)) for v in VERDICTS}

    def _shown(self, value: float) -> str:
        if self.normalize:
            return f"{value:+.2%}" if value < 0 else f"{value:.2%}"
        return format_value(value, self.unit)

    def _repr_html_(self) -> str:
        table = self.verdicts()
        shown = pd.DataFrame(
            {
                "stack" if self.by == "stack" else "function": [_leaf_end(k) for k in table.key],
                "base": [self._shown(v) for v in table.base_median],
                "new": [self._shown(v) for v in table.new_median],
                "p": [f"{v:.3f}" for v in table.p],
                "verdict": table.verdict,
            }
        )
        counts = ", ".join(f"{n} {v}" for v, n in self.counts().items() if n)
        warn = (
            ""
            if self.can_detect
            else f" <b>Too few profiles to show any change</b> (at least "
            f"{stats.min_n_for_difference(self.alpha)} per side)."
        )
        return (
            f"<div><b>Repeated profiles compared</b> ({self.sides[0]} base, {self.sides[1]} "
            f"new; {html.escape(self.sample_index)} by {self.by}"
            f"{', as shares of each total' if self.normalize else ''}): {counts}. A change "
            f"counts when Mann–Whitney U gives p ≤ {self.alpha}.{warn}"
            f"{tables.to_html(shown, caption='What changed (leaf on the left)')}</div>"
        )

    def __repr__(self) -> str:
        return f"RepeatedComparison({self.sides[0]} vs {self.sides[1]}, {self.counts()})"


def _values(profile: Profile, index: str, by: str, normalize: bool) -> pd.Series:
    if by == "function":
        top = profile.top(index, None)
        series = pd.Series(top.cum.to_numpy(), index=top.function.to_numpy())
    else:
        frame = profile.frame
        keys = [STACK_SEPARATOR.join(reversed(s)) for s in frame.callstack]
        series = pd.Series(frame[index].to_numpy(), index=keys).groupby(level=0).sum()
    series = series[series != 0].astype(float)
    if normalize:
        total = profile.total(index)
        series = series / total if total else series * 0
    return series


def _profiles(value: Sequence[Profile], name: str) -> list[Profile]:
    if isinstance(value, Profile) or not isinstance(value, Sequence) or not value:
        raise UsageError(f"{name}: a list of one or more Profiles (several per side, e.g. 5)")
    for item in value:
        if not isinstance(item, Profile):
            raise UsageError(f"{name}: every item must be a Profile, not {type(item).__name__}")
    return list(value)


def compare(
    bases: Sequence[Profile],
    news: Sequence[Profile],
    sample_index: str | None = None,
    *,
    by: str = "stack",
    normalize: bool = False,
    alpha: float = stats.ALPHA,
) -> RepeatedComparison:
    """Compare repeated profiles: `bases` (before) against `news` (after), per call stack
    (`by="stack"`) or per function's cum (`by="function"`), under the rule in this module's
    docstring. All profiles must have the same sample types."""
    bases, news = _profiles(bases, "bases"), _profiles(news, "news")
    validate.choice(by, COMPARE_BY, "by")
    if not 0 < alpha < 1:
        raise UsageError(f"alpha is a probability between 0 and 1 (e.g. 0.05), not {alpha!r}")
    first = bases[0]
    index = first.sample_types[first._index(sample_index)]
    for p in bases + news:
        if p.decoded.sample_types != first.decoded.sample_types:
            raise UsageError(
                f"compare: the profiles measure different things ({', '.join(p.sample_types)} "
                f"vs {', '.join(first.sample_types)}); compare profiles of one kind"
            )
    base_values = pd.DataFrame([_values(p, index, by, normalize) for p in bases]).fillna(0.0)
    new_values = pd.DataFrame([_values(p, index, by, normalize) for p in news]).fillna(0.0)
    keys = sorted(set(base_values.columns) | set(new_values.columns))
    base_values = base_values.reindex(columns=keys, fill_value=0.0)
    new_values = new_values.reindex(columns=keys, fill_value=0.0)
    rows = []
    for key in keys:
        old, new = base_values[key].to_numpy(), new_values[key].to_numpy()
        p_value = stats.mann_whitney_p(old, new)
        base_median, new_median = float(np.median(old)), float(np.median(new))
        rows.append(
            (
                key,
                base_median,
                new_median,
                new_median - base_median,
                int((old != 0).sum()),
                int((new != 0).sum()),
                p_value,
                _verdict(old, new, p_value, alpha),
            )
        )
    table = pd.DataFrame(rows, columns=list(RepeatedComparison.FRAME_DOC))
    return RepeatedComparison(
        table,
        index,
        first.units[index],
        by,
        normalize,
        alpha,
        (len(bases), len(news)),
        Provenance.of(
            command=first.provenance.command,
            go_version=first.provenance.go_version,
            files=[str(p.path) for p in bases + news if p.path is not None],
        ),
    )


def _leaf_end(key: str, frames: int = 3) -> str:
    """A folded stack's leaf end, leaf first: "strings.Fields ← main.countWasteful ← …"."""
    parts = key.split(STACK_SEPARATOR)
    shown = " ← ".join(reversed(parts[-frames:]))
    return shown + (" ← …" if len(parts) > frames else "")


def _verdict(old: np.ndarray, new: np.ndarray, p: float, alpha: float) -> str:
    if math.isnan(p) or p > alpha:
        return "~"
    if not old.any():
        return "appeared"
    if not new.any():
        return "disappeared"
    change = float(np.median(new) - np.median(old)) or float(np.mean(new) - np.mean(old))
    return "grew" if change > 0 else "shrank" if change < 0 else "~"
