"""How `make test-live` shares its tests between two xdist workers (conftest.py): the long
units (a module, or a notebook's cells) handed out first, the rest in xdist's order."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
assert _spec is not None and _spec.loader is not None
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)


def test_long_units_rank_before_the_rest_in_the_order_given():
    rank = root_conftest.rank
    capstone = rank("tests/test_capstone.py")
    hub = rank("tests/test_hub.py")
    notebook = rank("notebooks/01-new-vs-make.ipynb")
    other = rank("tests/test_bench_parse.py")
    assert capstone < hub < notebook < other == len(root_conftest.FIRST)


def test_every_unit_named_first_exists():
    for start in root_conftest.FIRST:
        assert (ROOT / start).exists(), start
