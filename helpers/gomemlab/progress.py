"""Which exercises this learner has solved: kept in the user's data folder, sent nowhere.

Every `@checks.exercise` check records its outcome here; `gm.progress()` (or
`gomemlab progress`) shows the table. The file is rewritten atomically under a lock, so a
full disk never leaves half a line; a line that is not a record this module wrote (a
damaged or hand-edited file) is skipped and counted, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import checks, files, validate
from .errors import GomemlabError
from .settings import data_dir, data_folder

if TYPE_CHECKING:
    import pandas as pd

FILE = "progress.jsonl"
COLUMNS = ["exercise", "attempts", "solved", "first solved"]
"""`exercise` is the chapter and exercise ("01 new vs make · exercise 2: AddItem")."""


def record(exercise: str, title: str, passed: bool) -> None:
    """Add one attempt at `exercise` (its internal name; `title` is what the table shows,
    e.g. "01 new vs make · exercise 2: AddItem"). Never raises: progress must not break a
    check."""
    at = time.strftime("%Y-%m-%dT%H:%M:%S")
    line = json.dumps({"exercise": exercise, "title": title, "passed": bool(passed), "at": at})
    with contextlib.suppress(OSError, GomemlabError):
        files.append_line(data_folder() / FILE, line, what="the progress file")


def _attempt(line: str) -> dict[str, Any] | None:
    """One well-formed record, or None."""
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict):
        return None
    exercise, passed, at = item.get("exercise"), item.get("passed"), item.get("at", "")
    if not isinstance(exercise, str) or not exercise or not isinstance(passed, bool):
        return None
    title = item.get("title")
    return {
        "exercise": exercise,
        "title": title if isinstance(title, str) and title else exercise,  # older lines: none
        "passed": passed,
        "at": at if isinstance(at, str) else "",
    }


@validate.typed
def read(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The attempts recorded in `path` and the number of lines skipped as unreadable (bytes
    that are not UTF-8, JSON that is not a record, wrong types)."""
    rows, skipped = [], 0
    for raw in path.read_bytes().splitlines():
        if not raw.strip():
            continue
        try:
            found = _attempt(raw.decode("utf-8"))
        except UnicodeDecodeError:
            found = None
        if found is None:
            skipped += 1
        else:
            rows.append(found)
    return rows, skipped


@dataclass(frozen=True, eq=False)
class Progress:
    """One row per exercise tried: attempts, solved or not, when first solved; `skipped`
    counts lines of the progress file that could not be read. Not a Go result (nothing ran),
    so no provenance; `.frame` is a copy like every result's."""

    _table: pd.DataFrame
    skipped: int = 0

    @property
    def frame(self) -> pd.DataFrame:
        """exercise (chapter and title), attempts, solved (bool), first solved (ISO time or
        ""): a copy."""
        return self._table.copy()

    def _note(self) -> str:
        if not self.skipped:
            return ""
        lines = "line" if self.skipped == 1 else "lines"
        return f"({self.skipped} unreadable {lines} of {FILE} skipped)"

    def __str__(self) -> str:
        note = f"\n{self._note()}" if self.skipped else ""
        if self.frame.empty:
            return "No exercise tried yet." + note
        solved = int(self.frame.solved.sum())
        return (
            f"{solved} of {len(self.frame)} exercises tried are solved\n"
            + self.frame.to_string(index=False)
            + note
        )

    def _repr_html_(self) -> str:
        note = f"<p>{self._note()}</p>" if self.skipped else ""
        if self.frame.empty:
            return "<p>No exercise tried yet.</p>" + note
        from . import tables

        solved = int(self.frame.solved.sum())
        return (
            tables.to_html(
                self.frame.assign(solved=self.frame.solved.map({True: "✔", False: "not yet"})),
                caption=f"{solved} of {len(self.frame)} solved",
            )
            + note
        )


checks.on_outcome(record)


def progress() -> Progress:
    """This learner's exercises: attempts, solved, first solved at."""
    return load(data_dir() / FILE)


def load(path: Path) -> Progress:
    """The exercises recorded in the progress file `path` (a missing file: none tried;
    unreadable lines are skipped and counted)."""
    import pandas as pd

    try:
        rows, skipped = read(path) if path.is_file() else ([], 0)
    except OSError as error:
        raise files.unreadable(path, error, "the progress file") from None
    frame = pd.DataFrame(rows, columns=["exercise", "title", "passed", "at"])
    if frame.empty:
        return Progress(pd.DataFrame(columns=COLUMNS), skipped)
    grouped = frame.groupby("exercise", sort=False)
    summary = (
        pd.DataFrame(
            {
                "title": grouped.title.last(),  # the newest wording of its title
                "attempts": grouped.size(),
                "solved": grouped.passed.any(),
                "first solved": frame[frame.passed].groupby("exercise").at.min(),
            }
        )
        .fillna({"first solved": ""})
        .sort_values("title", kind="stable")
        .rename(columns={"title": "exercise"})
        .reset_index(drop=True)
    )
    return Progress(summary[COLUMNS], skipped)
