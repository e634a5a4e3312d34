"""`gomemlab warm` builds what the notebooks would otherwise wait for, other architectures
included: the first 32-bit or arm64 build compiles the standard library for it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from gomemlab import warm

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _cells() -> list[str]:
    return [
        cell.source
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    ]


def test_every_sample_a_notebook_runs_as_a_32_bit_program_is_warmed():
    ran = {name for cell in _cells() for name in re.findall(r"run_32bit\(\s*\"(\w+)\"", cell)}
    assert ran, "no notebook runs a 32-bit program: this test reads the wrong notebooks"
    assert {f"./{name}" for name in ran} <= set(warm.RUN_32BIT)


def test_every_architecture_a_notebook_reads_instructions_for_is_warmed():
    asked = {
        goarch
        for cell in _cells()
        if "instructions_at(" in cell
        for loop in re.findall(r"for goarch in \(([^)]*)\)", cell)
        for goarch in re.findall(r"\"(\w+)\"", loop)
    }
    assert asked, "no notebook reads instructions: this test reads the wrong notebooks"
    assert asked <= set(warm.INSTRUCTIONS_FOR)
