"""Every notebook follows the suite's conventions (nbval itself runs them: see pyproject)."""

from __future__ import annotations

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
    assert "gm.about()" in first_code, "each notebook prints the Go version it ran with"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_stray_outputs(path):
    for cell in _code_cells(path):
        tags = cell.metadata.get("tags", [])
        if CHECKED in tags:
            assert cell.outputs and cell.execution_count, (
                f"checked cell without output is silently skipped by nbval:\n{cell.source}")
        else:
            assert not cell.outputs, f"stray output (strip with scripts/nbstrip.py):\n{cell.source}"
