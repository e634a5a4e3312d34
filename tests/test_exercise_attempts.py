"""Only a learner's own attempts count (issue 22): a reference solution records nothing and
never says "solved", untouched starting code is "not tried yet", hints come on request, and
progress names the chapter and the exercise. No Go runs here."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import time
from pathlib import Path

import nbformat
import pytest

import gomemlab as gm
from gomemlab import checks
from gomemlab.checks import Verdict
from gomemlab.progress import FILE

CHAPTER = "99 a test chapter"
START = "package shop\n\nfunc Add() {}\n"
TOPICS = ["newmake", "valuesem", "escape", "bench", "pprof", "trace", "gc", "layout"]
TOPICS += ["lifetimes", "releases"]
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@checks.exercise(title="exercise 1: Add", untried=checks.unchanged(START), hint="count to 3")
def check_add(source: str) -> Verdict:
    """Solved when the source says `return 3`."""
    assert "return 3" in source, "Add must return 3"
    return Verdict.solved("Add returns 3")


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("GOMEMLAB_DATA", str(folder))
    return folder


def _lines(data: Path) -> list[dict]:
    path = data / FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_reference_run_records_nothing_and_never_says_solved(data, capsys):
    assert check_add.reference("func Add() int { return 3 }") is None
    said = capsys.readouterr().out
    assert said == checks.REFERENCE_PASSES + "\n"
    assert "solved" not in said and "✔" not in said
    assert _lines(data) == [] and gm.progress().frame.empty


def test_a_broken_reference_solution_fails_loudly(data):
    with pytest.raises(AssertionError, match="reference solution fails its check: Add must"):
        check_add.reference("func Add() int { return 2 }")
    assert _lines(data) == []


def test_an_attempt_is_recorded_under_its_chapter_and_title(data):
    assert not check_add("func Add() int { return 2 }")
    assert check_add("func Add() int { return 3 }")
    recorded = _lines(data)
    assert [r["passed"] for r in recorded] == [False, True]
    assert {r["title"] for r in recorded} == {"99 a test chapter · exercise 1: Add"}
    shown = gm.progress()
    assert shown.frame.exercise.tolist() == ["99 a test chapter · exercise 1: Add"]
    assert shown.frame.attempts.tolist() == [2] and shown.frame.solved.tolist() == [True]
    assert "99 a test chapter · exercise 1: Add" in str(shown)


def test_the_starting_code_is_not_tried_yet_and_not_recorded(data):
    verdict = check_add("\n" + START + "\n\n")  # blank lines around it do not count
    assert not verdict and not verdict.tried
    assert verdict.mark == "○ not tried yet" and "✘" not in str(verdict)
    assert "starting code" in verdict.message and "not tried yet" in verdict._repr_html_()
    assert _lines(data) == []


def test_a_hint_only_on_request(data, capsys):
    verdict = check_add("func Add() int { return 2 }")
    assert "count to 3" not in str(verdict)
    check_add.hint()
    assert capsys.readouterr().out == "Hint: count to 3\n"


def test_progress_shows_older_lines_by_their_internal_name(data):
    data.mkdir()
    old = {"exercise": "newmake.exercises.check_stock", "passed": True, "at": "2026-12-06T10:00"}
    (data / FILE).write_text(json.dumps(old) + "\n")
    assert gm.progress().frame.exercise.tolist() == ["newmake.exercises.check_stock"]


def test_cli_progress_lists_chapter_and_exercise(data, capsys):
    from gomemlab.cli import main

    check_add("func Add() int { return 1 }")
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "99 a test chapter · exercise 1: Add" in out and "check_add" not in out


def _exercise_checks():
    for topic in TOPICS:
        module = importlib.import_module(f"gomemlab.{topic}.exercises")
        for name, check in inspect.getmembers(module, inspect.isfunction):
            ours = check.__module__ == module.__name__ and getattr(check, "title", "")
            if name.startswith("check_") and hasattr(check, "reference") and ours:
                yield module, check


def test_every_exercise_of_a_notebook_has_a_chapter_and_a_title():
    titled = list(_exercise_checks())
    assert len(titled) >= 23, [c.__name__ for _, c in titled]
    for module, check in titled:
        assert module.CHAPTER[:2].isdigit(), module.__name__
        title = check.title if isinstance(check.title, str) else check.title("x", "1.21")
        assert title.startswith(("exercise ", "prediction")), (check.__name__, title)


def test_a_prediction_is_titled_by_its_exercise():
    check = gm.releases.exercises.check_prediction
    assert check.title("append4_returned.allocs", "go1.24", "3") == (
        "exercise 2: append4_returned.allocs on Go 1.24"
    )
    assert check.title("loopvar.printed", "1.21", "x").startswith("prediction: ")


class _Shell:
    kernel = object()


def test_a_running_check_shows_a_live_elapsed_line_in_a_notebook(monkeypatch):
    import IPython
    import IPython.display

    shown: list[str] = []

    class Handle:
        def update(self, value, raw=False):
            assert raw and value["text/plain"] in value["text/html"]
            shown.append(value["text/plain"])

    def display(value, raw=False, display_id=False):
        assert raw and display_id
        shown.append(value["text/plain"])
        return Handle()

    monkeypatch.setattr(IPython, "get_ipython", lambda: _Shell())
    monkeypatch.setattr(IPython.display, "display", display)

    def slow(source: str, *, timeout: float = 60.0) -> Verdict:
        time.sleep(1.3)
        return Verdict.solved("done")

    with checks.running(slow, {}):
        slow("x")
    assert "the check is running: 0 s of at most 60 s" in shown[0]
    assert any("1 s of at most 60 s" in s for s in shown[1:-1]), shown
    assert "interrupt the kernel" in shown[0]
    assert shown[-1] == ""  # blanked when the check is done
    with checks.running(slow, {"timeout": 5}):
        pass
    assert "of at most 5 s" in shown[-2]


def test_outside_a_notebook_a_check_shows_nothing_while_it_runs(capsys):
    with checks.running(check_add, {}):
        pass
    assert capsys.readouterr() == ("", "")


def test_a_timeout_says_what_to_do():
    verdict = checks.from_error(gm.GoTimeoutError(60.0, command=["go", "run", "."]))
    assert "60 s" in verdict.message and "run the cell again" in verdict.message


# -- notebooks: solution cells -----------------------------------------------------------


def _parse(source: str) -> ast.Module:
    """A cell as Python (IPython's magics turned into calls first)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


def _solution_cells(nb):
    """(index, cell) of every solution cell: tagged, collapsed, or assigning `solution…`."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden")
        tagged = "solution" in cell.metadata.get("tags", [])
        assigns = any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id.startswith("solution") for t in node.targets)
            for node in ast.walk(_parse(cell.source))
        )
        if hidden or tagged or assigns:
            yield i, cell


def _recording_calls(source: str) -> list[str]:
    """Calls of a check (`check_…(…)`) that record an attempt: all but `.reference(…)`."""
    found = []
    for node in ast.walk(_parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name.startswith("check_"):
            found.append(ast.unparse(node)[:80])
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_cell_records_an_attempt(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in _solution_cells(nb):
        assert not _recording_calls(cell.source), f"{path.name} cell {i} records an attempt"
        assert "solution" in cell.metadata.get("tags", []), f"{path.name} cell {i}: tag it"
        assert cell.metadata.get("jupyter", {}).get("source_hidden"), f"cell {i}: collapse it"
        assert ".reference(" in cell.source, f"{path.name} cell {i} checks nothing"
        assert nb.cells[i - 1].source.startswith("**Solution**"), f"cell {i - 1}: the marker"


def test_the_conventions_test_sees_a_recording_call():
    assert _recording_calls("v = gm.escape.exercises.check_total(s)\nassert v")
    assert _recording_calls("check_total(s)")
    assert not _recording_calls("gm.escape.exercises.check_total.reference(s)")


def _literal_arguments():
    """(notebook, cell, check, literal) for each exercise cell that calls a check with a text
    it assigned from a literal: the starting code."""
    by_name = {c.__name__: c for _, c in _exercise_checks()}
    for path in NOTEBOOKS:
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
                continue
            tree = _parse(cell.source)
            literals = {
                node.targets[0].id: node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant)
            }
            for node in ast.walk(tree):
                name = getattr(getattr(node, "func", None), "attr", "")
                if isinstance(node, ast.Call) and name in by_name and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Name) and isinstance(literals.get(first.id), str):
                        yield path.name, i, by_name[name], literals[first.id]


def test_every_exercise_cell_starts_with_the_code_its_check_knows():
    found = list(_literal_arguments())
    assert len(found) >= 15, found
    for notebook, i, check, literal in found:
        assert check.untried(literal), f"{notebook} cell {i}: starting code differs from the module"
