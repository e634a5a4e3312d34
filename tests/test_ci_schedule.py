"""How `make test-live` shares its tests between two xdist workers (conftest.py): JupyterLab's
notebook runs (tests/test_a11y_lab.py) split in two units, the long units handed out first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
assert _spec is not None and _spec.loader is not None
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)

LAB = "tests/test_a11y_lab.py::test_outputs_pass_axe_and_controls_work_from_the_keyboard"


def test_the_lab_runs_split_into_even_and_odd_chapters_everything_else_as_xdist_does():
    scope_of = root_conftest.scope_of
    assert scope_of(f"{LAB}[07-gc.ipynb]") == scope_of(f"{LAB}[11-service.ipynb]")
    assert scope_of(f"{LAB}[00-start-here.ipynb]") == scope_of(f"{LAB}[12-capstone.ipynb]")
    assert scope_of(f"{LAB}[07-gc.ipynb]") != scope_of(f"{LAB}[08-memory-layout.ipynb]")
    assert scope_of("tests/test_x.py::test_y[07-gc.ipynb]") == "tests/test_x.py"
    assert scope_of("tests/test_x.py::TestC::test_y") == "tests/test_x.py::TestC"
    assert scope_of("notebooks/03-escape-analysis.ipynb::Cell 4") == (
        "notebooks/03-escape-analysis.ipynb"
    )


def test_long_units_rank_before_the_rest():
    rank, scope_of = root_conftest.rank, root_conftest.scope_of
    lab = rank(scope_of(f"{LAB}[07-gc.ipynb]"))
    notebook = rank("notebooks/01-new-vs-make.ipynb")
    other = rank("tests/test_bench_parse.py")
    assert lab < notebook < other == len(root_conftest.FIRST)
