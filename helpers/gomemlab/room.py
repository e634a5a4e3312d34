"""The instructor's view of the room: which exercises each learner solved, where the room is stuck.

Every learner's checks record their attempts in their own home (`progress.jsonl`, see
`gomemlab.progress`). On the workshop server the hub runs as root, so `gomemlab hub progress`
can read every home: the record stays on the server and only the instructor (root) sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import tables
from .progress import FILE, load

DATA = Path(".local/share/gomemlab")
"""Where a learner's data folder is, inside their home (the lab's default on Linux)."""


@dataclass(frozen=True)
class RoomProgress:
    """`learners`: one row per learner (solved, tried but not solved, by name);
    `exercises`: one row per exercise tried by anyone (tried, solved, stuck = tried but not
    solved, by learner count), most stuck first."""

    learners: pd.DataFrame
    exercises: pd.DataFrame

    def __str__(self) -> str:
        if self.learners.empty:
            return "No learner's home found."
        lines = [f"{len(self.learners)} learners", self.learners.to_string(index=False), ""]
        if self.exercises.empty:
            lines.append("No exercise tried yet.")
        else:
            lines += ["Where the room is stuck:", self.exercises.to_string(index=False)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return tables.to_html(self.learners, caption="Learners") + tables.to_html(
            self.exercises, caption="Exercises, most stuck first"
        )


def read(homes: Path | str) -> RoomProgress:
    """The progress of every learner whose home is a folder in `homes` (<hub root>/home)."""
    learners, attempts = [], []
    for home in sorted(p for p in Path(homes).iterdir() if p.is_dir()):
        frame = load(home / DATA / FILE).frame
        solved = sorted(frame.exercise[frame.solved.astype(bool)]) if not frame.empty else []
        open_ = sorted(set(frame.exercise) - set(solved)) if not frame.empty else []
        learners.append(
            {
                "learner": home.name,
                "solved": len(solved),
                "solved exercises": ", ".join(solved),
                "tried, not solved": ", ".join(open_),
            }
        )
        attempts += [
            {"learner": home.name, "exercise": e, "solved": e in solved} for e in frame.exercise
        ]
    columns = ["exercise", "tried", "solved", "stuck"]
    if not attempts:
        return RoomProgress(pd.DataFrame(learners), pd.DataFrame(columns=columns))
    tried = pd.DataFrame(attempts).groupby("exercise")
    exercises = (
        pd.DataFrame({"tried": tried.size(), "solved": tried.solved.sum().astype(int)})
        .assign(stuck=lambda f: f.tried - f.solved)
        .reset_index()
        .sort_values(["stuck", "exercise"], ascending=[False, True], ignore_index=True)
    )
    return RoomProgress(pd.DataFrame(learners), exercises[columns])
