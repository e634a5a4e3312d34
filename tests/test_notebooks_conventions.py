"""Every notebook follows the suite's conventions (nbval itself runs them: see pyproject)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CHECKED = "nbval-check-output"


def _code_cells(path: Path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert any(p.name == "00-start-here.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opening_cells(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    first_code = _code_cells(path)[0].source
    assert "%matplotlib inline" in first_code
    assert "import gomemlab as gm" in first_code
    assert "gm.setup()" in first_code, "importing changes nothing: setup turns Jupyter on"
    assert "gm.about()" in first_code, "each notebook prints the Go version it ran with"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_stray_outputs(path):
    for cell in _code_cells(path):
        tags = cell.metadata.get("tags", [])
        if CHECKED in tags:
            assert cell.outputs and cell.execution_count, (
                f"checked cell without output is silently skipped by nbval:\n{cell.source}"
            )
        else:
            assert not cell.outputs, f"stray output (strip with scripts/nbstrip.py):\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_hides_its_value_with_a_semicolon(path):
    """Plots are Figures made by `figures.new`, never registered with pyplot, so they show only
    as a cell's value: a trailing `;` (the pyplot habit) leaves the cell empty. The one use: a
    claim check (`.expect...(...);`), which returns its whole result when it holds."""
    last_lines = [
        cell.source.strip().splitlines()[-1] for cell in _code_cells(path) if cell.source.strip()
    ]
    hidden = [
        line
        for line in last_lines
        if line.rstrip().endswith(";") and not re.search(r"\.expect(_\w+)?\(.*\);$", line)
    ]
    assert not hidden, f"cells whose last line ends with ';' show nothing: {hidden}"


SOLUTION_HEADER = (
    "# Solution: hidden on purpose. Try the exercise first; show this cell to compare."
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_hidden_solution_previews_nothing(path):
    """JupyterLab shows the first line of a collapsed cell: in a solution it must say nothing."""
    hidden = [c for c in _code_cells(path) if c.metadata.get("jupyter", {}).get("source_hidden")]
    wrong = [c.source.split("\n")[0] for c in hidden if c.source.split("\n")[0] != SOLUTION_HEADER]
    assert not wrong, f"hidden cells whose first line is not the neutral header: {wrong}"


CLAIM = "*Check:*"
ASSERTS = ("assert ", "expect", "check_", "raise AssertionError", ".verify(")


def _claims(path: Path) -> list[tuple[int, str, str]]:
    """(cell index, the claim line, the next code cell's source) for every `*Check:*` line."""
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        following = next((c.source for c in cells[i + 1 :] if c.cell_type == "code"), "")
        found += [
            (i, line.strip(), following)
            for line in cell.source.splitlines()
            if line.strip().startswith(CLAIM)
        ]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_claim_marker_is_followed_by_a_cell_that_asserts_it(path):
    """A markdown line starting `*Check:*` states what Go does; the next code cell must assert
    it against the live toolchain (issue 10's convention)."""
    unchecked = [
        f"cell {i}: {line[:90]}"
        for i, line, code in _claims(path)
        if not any(word in code for word in ASSERTS)
    ]
    assert not unchecked, "claims with no asserting cell after them:\n" + "\n".join(unchecked)


def claim_counts() -> dict[str, int]:
    """Claim markers per notebook (for the closing notes: `python -c` this)."""
    return {p.name: len(_claims(p)) for p in NOTEBOOKS}
