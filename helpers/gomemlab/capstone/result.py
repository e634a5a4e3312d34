"""The outcome of one capstone check: each target judged, the numbers behind it, one verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from ..checks import Verdict
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from .targets import Judgement

UNCHANGED = (
    "your version is still the baseline (its Go files are the same text as gosamples/capstone's): "
    "there is nothing of yours to measure, so nothing was measured and no attempt recorded. "
    "Change its aggregate.go, then check again; the baseline's own check "
    "(gm.capstone.check_baseline(), as chapter 12's section 3 runs it) shows which targets it "
    "misses and by how much"
)


@dataclass(frozen=True, eq=False, repr=False)
class CapstoneCheck(FrozenResult):
    """Every target judged for one version (`.frame`: one row per target, `FRAME_DOC`);
    `.verdict` is "solved" only when all are met; `.bench` holds the benchmark runs. An
    `unchanged` version (still the baseline's files) was not measured: no row, "not tried
    yet"."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        target="what is measured",
        budget="the target, set in advance",
        baseline="the baseline's value, measured in this check",
        yours="your version's value, measured in this check",
        met="whether your value meets the target",
        margin="by how much it is met or missed",
        tool="the chapter whose tool shows why",
    )

    judgements: tuple[Judgement, ...]
    seed: int
    difference: dict | None = None
    bench: object = None
    """The interleaved benchmark runs: a gm.bench BenchResult (`impl` = baseline or yours)."""
    seconds: float = 0.0
    provenance: Provenance = field(default_factory=Provenance)
    unchanged: bool = False
    """The version's files were the baseline's: nothing measured, not an attempt."""

    @property
    def frame(self) -> pd.DataFrame:
        """One row per target judged (FRAME_DOC); empty when the report was wrong."""
        rows = [
            {
                "target": j.target.name,
                "budget": j.target.budget,
                "baseline": j.baseline,
                "yours": j.yours,
                "met": j.met,
                "margin": j.margin,
                "tool": j.target.tool,
            }
            for j in self.judgements
        ]
        return pd.DataFrame(rows, columns=list(self.FRAME_DOC))

    @property
    def passed(self) -> bool:
        """Every target met."""
        return bool(self.judgements) and all(j.met for j in self.judgements)

    @property
    def missed(self) -> tuple[str, ...]:
        """The names of the targets not met ("correct" alone when the report was wrong)."""
        if self.difference is not None:
            return ("correct",)
        return tuple(j.target.name for j in self.judgements if not j.met)

    @property
    def verdict(self) -> Verdict:
        """✔ when every target is met; else "not yet", naming each target missed, by how much,
        and the chapter whose tool shows why (never the fix); "not tried yet" for a version
        that is still the baseline."""
        if self.unchanged:
            return Verdict.untried(UNCHANGED)
        if self.difference is not None:
            return Verdict.not_yet(self._difference_text(), missed=self.missed, seed=self.seed)
        if self.passed:
            return Verdict.solved(
                f"every target met ({len(self.judgements)} of {len(self.judgements)}); "
                f"checked in {self.seconds:.0f} s on inputs from seed {self.seed}",
                seed=self.seed,
            )
        lines = [
            f"{len(self.missed)} of {len(self.judgements)} targets missed "
            f"(the report is right on fresh inputs):"
        ]
        for j in self.judgements:
            if not j.met:
                lines.append(
                    f"  {j.target.name}: {j.yours} — {j.margin}. Look with: {j.target.tool}"
                )
        return Verdict.not_yet("\n".join(lines), missed=self.missed, seed=self.seed)

    def _difference_text(self) -> str:
        d = self.difference or {}
        if d.get("job"):
            return self._measured_difference_text(d)
        if d.get("problem"):
            head = f"on a {d.get('lines')}-line input your version failed: {d['problem']}"
        else:
            head = (
                f"the report differs from the baseline's on a {d.get('lines')}-line input "
                f"(seed {d.get('seed')}), at report line {d.get('line')}:\n"
                f"  want: {d.get('want') or '(nothing)'}\n  got:  {d.get('got') or '(nothing)'}"
            )
        return (
            f"{head}\nNo target is measured until the report is right. Reproduce it with "
            f"capstone.Generate({d.get('seed')}, {d.get('lines')}) in a test of your own "
            "(the check hands it to your version in pieces of random size: read it through "
            "testing/iotest.HalfReader too)."
        )

    @staticmethod
    def _measured_difference_text(d: dict) -> str:
        """A report that was right on the fresh inputs and wrong on a run that was measured."""
        shown = (
            d["problem"]
            if d.get("problem")
            else (
                f"at report line {d.get('line')}:\n  want: {d.get('want') or '(nothing)'}\n"
                f"  got:  {d.get('got') or '(nothing)'}"
            )
        )
        return (
            f"correct: the report was right on the fresh inputs, but not on a run the "
            f"{d['job']} job measured (about {d.get('lines')} lines picked from "
            f"capstone.Generate({d.get('seed')}, …)): {shown}\n"
            "Every run must do the whole work on the input it is given: a version that "
            "recognises measured runs, or answers from an earlier run, is not judged. "
            "Look with: the package's own tests (go test) on inputs of your own"
        )

    def __str__(self) -> str:
        return str(self.verdict)

    def _repr_html_(self) -> str:
        from .. import tables

        table = self.frame.drop(columns=["budget"])
        table["met"] = table["met"].map({True: "✔ met", False: "✘ missed"})
        caption = "Capstone targets: the baseline and your version, measured in this check"
        shown = self.difference is None and not self.unchanged
        return self.verdict._repr_html_() + (
            tables.to_html(table, caption=caption) if shown else ""
        )


def targets_table() -> pd.DataFrame:
    """The targets, as the chapter shows them before any measuring."""
    from .targets import TARGETS

    return pd.DataFrame([{"target": t.name, "budget": t.budget, "tool": t.tool} for t in TARGETS])
