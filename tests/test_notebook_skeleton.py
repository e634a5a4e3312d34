"""Every chapter has the same skeleton: an opening (title, what you will learn, time), the
setup cell, a "Try it", numbered exercises under one heading style with starter variables
named one way, one closing section name, and no library code (helpers of more than a few
lines, the same helper in two notebooks, hand-parsed compiler output) in its cells.
That every code cell runs again after Run All (which it cannot when a later section reused
one of its names) is checked in nbval's own run of each notebook: the `every cell runs again`
item the root conftest.py adds after its cells, in the same kernel."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
CHAPTERS = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00"))
ALL = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
CLOSING = "## What to remember"
EXERCISE_HEADING = re.compile(r"^### Exercise (\d+): \S.*$", re.MULTILINE)
MAX_HELPER_LINES = 8
"""A `def` or `class` longer than this (its whole text) belongs in the package."""


def _cells(path: Path, kind: str) -> list[tuple[int, str]]:
    nb = nbformat.read(path, as_version=4)
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == kind]


def _markdown(path: Path) -> str:
    return "\n\n".join(source for _, source in _cells(path, "markdown"))


def _python(source: str) -> ast.Module:
    """A cell as Python, its IPython magics and shell lines blanked."""
    return ast.parse(
        "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")
        )
    )


def _ids(paths: list[Path]) -> list[str]:
    return [p.name[:2] for p in paths]


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_opening_then_setup(path):
    nb = nbformat.read(path, as_version=4)
    first, second = nb.cells[0], nb.cells[1]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "no title first"
    assert re.search(r"\*\*(What you will learn|You will learn)", first.source), "no aims"
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", first.source), "no time to complete"
    assert second.cell_type == "code"
    assert second.source.startswith("%matplotlib inline")
    assert "import gomemlab as gm" in second.source and "gm.setup()" in second.source


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_a_try_it(path):
    text = _markdown(path)
    assert re.search(r"^#+ (\d+\. )?Try it\b", text, re.M) or re.search(
        r"^\*\*Try it\.\*\*", text, re.M
    ), 'no "Try it" heading or paragraph'


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_numbered_exercises_under_one_heading_style(path):
    text = _markdown(path)
    numbers = [int(n) for n in EXERCISE_HEADING.findall(text)]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, numbers
    assert not re.search(r"\*\*Exercise \d", text), "an exercise introduced in bold, not a heading"
    assert not re.search(r"^#+ Exercise \d+(?!: )", text, re.M), (
        "an exercise heading without a title"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_starter_variables_are_named_exercise_n(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells[:-1]):
        found = EXERCISE_HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if found is None:
            continue
        starter = nb.cells[i + 1]
        assert starter.cell_type == "code", f"exercise {found.group(1)}: no code cell after it"
        assigned = [
            t.id
            for node in _python(starter.source).body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        ]
        assert f"exercise_{found.group(1)}" in assigned, (i + 1, assigned)


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_one_closing_section_name(path):
    headings = re.findall(r"^## .*$", _markdown(path), re.M)
    assert headings.count(CLOSING) == 1, headings
    assert not {"## Summary", "## What we saw"} & set(headings), headings


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_no_library_code_in_cells(path):
    for i, source in _cells(path, "code"):
        for node in ast.walk(_python(source)):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                lines = node.end_lineno - node.lineno + 1
                assert lines <= MAX_HELPER_LINES, (
                    f"cell {i}: {node.name} is {lines} lines: move it into gomemlab"
                )
        compiler_words = re.search(r"re\.\w+\([^)]*(moved to heap|escapes to heap)", source)
        assert not compiler_words, f"cell {i} parses -m output by hand: use gm.escape"


def test_no_helper_defined_in_two_notebooks():
    seen: dict[str, set[str]] = defaultdict(set)
    for path in ALL:
        for _, source in _cells(path, "code"):
            for node in ast.walk(_python(source)):
                if isinstance(node, ast.FunctionDef):
                    seen[ast.unparse(node)].add(path.name[:2])
    twice = {body.split("(")[0]: names for body, names in seen.items() if len(names) > 1}
    assert not twice, twice


def test_one_solution_marker():
    """Every hidden solution is introduced by the same line (it says where the solution is
    and nothing about it)."""
    markers = {
        line.strip()
        for path in CHAPTERS
        for _, source in _cells(path, "markdown")
        for line in source.split("\n")
        if re.match(r"\*+Solution\b", line.strip())
    }
    assert len(markers) == 1, markers
