"""The release matrix: one row per release × behaviour, measured live."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from .. import tables
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult

FRAME_DOC = FrameDoc(
    {
        "release": "the Go release that built and ran the probe, e.g. 1.21.13",
        "series": "its language version, also the go line of the module it built, e.g. 1.21",
        "behaviour": "the behaviour's key (one of run.BEHAVIOUR_KEYS), e.g. loopvar.printed",
        "title": "what was measured, in words (units in the words: ms, bytes, allocs)",
        "since": "the release whose notes changed it ('always': a control row)",
        "value": "what this release did, as text: a compiler verdict, a count, 'not available'",
        "number": "value as a float (NaN when it is not a number)",
        "expected": "what the release notes predict on this release ('' for a plain measurement)",
        "as_expected": "value == expected (<NA> for a plain measurement)",
        "detail": "supporting evidence: the compiler's first error, cycle count, exp.go",
        "why": "why it changed (or why it did not), in a sentence",
    }
)
"""The columns of `ReleaseMatrix.frame`, in order, and what each holds."""
MATRIX_PLOT_KINDS = ("metric", "verdicts")
"""The kinds `ReleaseMatrix.plot(kind=...)` draws."""


@dataclass(frozen=True)
class MatrixRow:
    """One behaviour on one release."""

    release: str
    series: str
    behaviour: str
    title: str
    since: str
    value: str
    number: float
    expected: str
    as_expected: bool | None
    detail: str = ""
    why: str = ""


@dataclass(frozen=True, eq=False, repr=False)
class ReleaseMatrix(FrozenResult):
    """Behaviours × releases, each cell measured live; `.frame` (FRAME_DOC), `.table()`,
    `.provenances` (one per release), `.plot(kind=...)`, `expect_*` claim checks."""

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = MATRIX_PLOT_KINDS

    rows: tuple[MatrixRow, ...]
    provenances: tuple[Provenance, ...] = ()
    _table: pd.DataFrame = field(init=False, repr=False)
    provenance: Provenance = field(init=False)
    """All releases' probes in one: the newest release's command, every release named,
    build and run seconds summed (per release: `provenances`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "provenances", tuple(self.provenances))
        frame = pd.DataFrame(
            [[getattr(r, c) for c in FRAME_DOC] for r in self.rows], columns=list(FRAME_DOC)
        )
        frame["number"] = frame["number"].astype(float)
        frame["as_expected"] = frame["as_expected"].astype("boolean")
        object.__setattr__(self, "_table", frame)
        every = self.provenances
        object.__setattr__(
            self,
            "provenance",
            Provenance(
                every[-1].command if every else (),
                ", ".join(p.release for p in every),
                sum(p.build_seconds for p in every),
                sum(p.run_seconds for p in every),
            ),
        )

    @property
    def releases(self) -> tuple[str, ...]:
        """The releases measured, oldest first."""
        return tuple(dict.fromkeys(r.release for r in self.rows))

    def value(self, behaviour: str, release: str) -> str:
        """What `release` ("1.22" or "1.22.10") did for `behaviour`; KeyError when absent."""
        for r in self.rows:
            if r.behaviour == behaviour and release in (r.release, r.series):
                return r.value
        raise KeyError(f"no row for {behaviour} on {release}; measured: {', '.join(self.releases)}")

    def table(self) -> pd.DataFrame:
        """The matrix: one row per behaviour, one column per release (its values)."""
        wide = self.frame.pivot(index="behaviour", columns="release", values="value")
        order = list(dict.fromkeys(self.frame["behaviour"]))
        wide = wide.reindex(order)[list(self.releases)]
        wide.insert(
            0,
            "since",
            self.frame.drop_duplicates("behaviour").set_index("behaviour")["since"].reindex(order),
        )
        wide.insert(
            0,
            "what",
            self.frame.drop_duplicates("behaviour").set_index("behaviour")["title"].reindex(order),
        )
        wide = wide.reset_index()
        wide.columns.name = None
        return wide

    def summary(self) -> pd.DataFrame:
        """Per release: how many predicted rows held, failed, and were measurements only."""
        f = self.frame
        return pd.DataFrame(
            {
                "release": list(self.releases),
                "as_expected": [
                    int((f[f.release == r].as_expected == True).sum())  # noqa: E712
                    for r in self.releases
                ],
                "not_as_expected": [
                    int((f[f.release == r].as_expected == False).sum())  # noqa: E712
                    for r in self.releases
                ],
                "measured_only": [
                    int(f[f.release == r].as_expected.isna().sum()) for r in self.releases
                ],
            }
        )

    def surprises(self) -> pd.DataFrame:
        """The rows whose value differs from the release notes' prediction."""
        return self.frame[self.frame["as_expected"] == False].reset_index(drop=True)  # noqa: E712

    def expect_as_predicted(self, behaviour: str | None = None) -> ReleaseMatrix:
        """AssertionError quoting each release's value unless every predicted row (of
        `behaviour`, or all) matched what the release notes say; returns the matrix."""
        bad = self.surprises()
        if behaviour is not None:
            bad = bad[bad["behaviour"] == behaviour]
        if len(bad):
            lines = [
                f"  Go {r.release}: {r.behaviour} = {r.value!r}, expected {r.expected!r}"
                f"{' (' + r.detail + ')' if r.detail else ''}"
                for r in bad.itertuples()
            ]
            raise AssertionError(
                "the toolchains disagree with the release notes:\n" + "\n".join(lines)
            )
        return self

    def expect_changed(self, behaviour: str, old: str, new: str) -> ReleaseMatrix:
        """AssertionError unless `behaviour` differs between releases `old` and `new`; returns
        the matrix."""
        before, after = self.value(behaviour, old), self.value(behaviour, new)
        if before == after:
            raise AssertionError(f"{behaviour} is {before!r} on both Go {old} and Go {new}")
        return self

    def series_of(self, behaviour: str) -> pd.Series:
        """One behaviour's numbers across releases (index: release)."""
        rows = self.frame[self.frame["behaviour"] == behaviour]
        if rows.empty:
            raise KeyError(f"no behaviour {behaviour!r}; see run.BEHAVIOUR_KEYS")
        return rows.set_index("release")["number"]

    def plot(self, kind: str = "metric", **options: Any):
        """`metric` (behaviours=[...]: numbers across releases, one panel each) or
        `verdicts` (the predicted rows as a grid: held / not / not predicted)."""
        from . import plots

        if kind == "metric":
            return plots.plot_metric(self, **options)
        if kind == "verdicts":
            return plots.plot_verdicts(self, **options)
        from ..errors import UsageError

        raise UsageError(f"kind must be one of {', '.join(MATRIX_PLOT_KINDS)}, not {kind!r}")

    def _repr_html_(self) -> str:
        wide = self.table()
        signs = {None: "", True: " ✔", False: " ✘"}
        marks = {(r.behaviour, r.release): signs[r.as_expected] for r in self.rows}
        for release in self.releases:
            wide[release] = [
                f"{v}{marks[(b, release)]}"
                for b, v in zip(wide["behaviour"], wide[release], strict=True)
            ]
        caption = (
            f"{len(self.rows)} measurements on {len(self.releases)} releases; "
            "✔ as the release notes predict, ✘ not"
        )
        prov = html.escape(self.provenance.line())
        return tables.to_html(wide, caption=caption) + f"<div><code>{prov}</code></div>"


def is_number(value: float) -> bool:
    """True when `value` is a finite float."""
    return not math.isnan(value)
