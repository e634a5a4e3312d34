"""scripts/shape_notebooks.py: the old names it rewrites, and the committed notebooks already
shaped (a merge that brings an old name back is caught here; re-run the script to fix it)."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _script() -> SimpleNamespace:
    """The script's functions (run as a module, not as __main__: nothing is rewritten)."""
    return SimpleNamespace(**runpy.run_path(str(ROOT / "scripts" / "shape_notebooks.py")))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("matrix = R.measure(SERIES)", "matrix = R.run(SERIES)"),
        ("m = gm.releases.measure(SERIES)", "m = gm.releases.run(SERIES)"),
        ("r = gm.layout.measure(src)", "r = gm.layout.run(src)"),
        ("t = gm.trace.load(path)", "t = gm.trace.read(path)"),
    ],
)
def test_old_names_become_new_ones(old, new):
    shape = _script()
    assert shape.rewrite_cell(old) == new
    assert shape.rewrite_cell(new) == new  # a second run changes nothing


def test_an_alias_that_only_ends_in_r_is_left_alone():
    assert _script().rename("TR.measure(x)") == "TR.measure(x)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_committed_notebooks_are_shaped(path):
    nb = nbformat.read(path, as_version=4)
    assert not _script().shape(nb, path.name[:2]), (
        f"{path.name} has old names or skeleton: run .venv/bin/python scripts/shape_notebooks.py"
    )
