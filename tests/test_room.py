"""The instructor's view of the room (gomemlab.room, `gomemlab hub progress`): each learner's
solved exercises and where the room is stuck, read from the records the learners' own checks
wrote in their homes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemlab import room
from gomemlab.cli import main
from gomemlab.progress import FILE, record


def _learner(homes: Path, name: str, attempts: list[tuple[str, bool]], monkeypatch) -> None:
    """Record attempts the way a learner's check does, in that learner's home."""
    monkeypatch.setenv("GOMEMLAB_DATA", str(homes / name / room.DATA))
    for exercise, passed in attempts:
        record(exercise, exercise, passed)  # title: the name itself


@pytest.fixture
def homes(tmp_path, monkeypatch) -> Path:
    homes = tmp_path / "home"
    _learner(homes, "learner01", [("03-a", False), ("03-a", True), ("07-b", False)], monkeypatch)
    _learner(homes, "learner02", [("03-a", False), ("07-b", False)], monkeypatch)
    (homes / "learner03").mkdir()  # logged in, tried nothing
    (homes / "learner02" / room.DATA / FILE).open("a").write("not json\n")
    return homes


def test_each_learner_and_where_the_room_is_stuck(homes):
    seen = room.read(homes)
    assert seen.learners.to_dict("records") == [
        {
            "learner": "learner01",
            "solved": 1,
            "solved exercises": "03-a",
            "tried, not solved": "07-b",
        },
        {
            "learner": "learner02",
            "solved": 0,
            "solved exercises": "",
            "tried, not solved": "03-a, 07-b",
        },
        {"learner": "learner03", "solved": 0, "solved exercises": "", "tried, not solved": ""},
    ]
    assert seen.exercises.to_dict("records") == [
        {"exercise": "07-b", "tried": 2, "solved": 0, "stuck": 2},
        {"exercise": "03-a", "tried": 2, "solved": 1, "stuck": 1},
    ]
    assert "Where the room is stuck:" in str(seen) and "<table" in seen._repr_html_()


def test_an_empty_room_says_so(tmp_path):
    (tmp_path / "home" / "learner01").mkdir(parents=True)
    assert "No exercise tried yet." in str(room.read(tmp_path / "home"))


def test_cli_hub_progress(homes, capsys):
    assert main(["hub", "progress", "--root", str(homes.parent)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 learners") and "07-b" in out
    assert main(["hub", "progress", "--root", str(homes / "nowhere")]) == 1
    assert "no learners' homes in" in capsys.readouterr().err
