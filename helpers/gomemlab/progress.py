"""Which exercises this learner has solved: kept in the user's data folder, sent nowhere.

Every `@checks.exercise` check records its outcome here; `gm.progress()` (or
`gomemlab progress`) shows the table.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import checks
from .settings import data_dir

if TYPE_CHECKING:
    import pandas as pd

FILE = "progress.jsonl"


def record(exercise: str, passed: bool) -> None:
    """Append one attempt (never raises: progress must not break a check)."""
    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / FILE, "a") as log:
            log.write(
                json.dumps(
                    {
                        "exercise": exercise,
                        "passed": bool(passed),
                        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    }
                )
                + "\n"
            )
    except OSError:
        pass


@dataclass(frozen=True, eq=False)
class Progress:
    """One row per exercise tried: attempts, solved or not, when first solved. Not a Go
    result (nothing ran), so no provenance; `.frame` is a copy like every result's."""

    _table: pd.DataFrame

    @property
    def frame(self) -> pd.DataFrame:
        """exercise, attempts, solved (bool), first solved (ISO time or ""): a copy."""
        return self._table.copy()

    def __str__(self) -> str:
        if self.frame.empty:
            return "No exercise tried yet."
        solved = int(self.frame.solved.sum())
        return f"{solved} of {len(self.frame)} exercises tried are solved\n" + (
            self.frame.to_string(index=False)
        )

    def _repr_html_(self) -> str:
        if self.frame.empty:
            return "<p>No exercise tried yet.</p>"
        from . import tables

        solved = int(self.frame.solved.sum())
        return tables.to_html(
            self.frame.assign(solved=self.frame.solved.map({True: "✔", False: "not yet"})),
            caption=f"{solved} of {len(self.frame)} solved",
        )


checks.on_outcome(record)


def progress() -> Progress:
    """This learner's exercises: attempts, solved, first solved at."""
    import pandas as pd

    path = data_dir() / FILE
    rows = []
    if path.is_file():
        for line in path.read_text().splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    frame = pd.DataFrame(rows, columns=["exercise", "passed", "at"])
    if frame.empty:
        return Progress(pd.DataFrame(columns=["exercise", "attempts", "solved", "first solved"]))
    grouped = frame.groupby("exercise", sort=True)
    summary = (
        pd.DataFrame(
            {
                "attempts": grouped.size(),
                "solved": grouped.passed.any(),
                "first solved": frame[frame.passed].groupby("exercise").at.min(),
            }
        )
        .reset_index()
        .fillna({"first solved": ""})
    )
    return Progress(summary)
