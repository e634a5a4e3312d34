"""`gomemlab warm` builds what the notebooks would otherwise wait for, other architectures
included: the first 32-bit or arm64 build compiles the standard library for it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from gomemlab import programs, warm

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _cells() -> list[str]:
    return [
        cell.source
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    ]


def _cross_builds(monkeypatch, runs_32bit: bool) -> set[tuple[str, str]]:
    """(GOARCH, package) of every cross build warm's steps make, on a host that does or does
    not run 32-bit programs (nothing is built: the steps are only listed)."""
    asked: set[tuple[str, str]] = set()
    monkeypatch.setattr(programs, "runs_32bit_here", lambda: runs_32bit)
    monkeypatch.setattr(
        warm, "_cross", lambda goarch, *packages: asked.update((goarch, p) for p in packages)
    )
    warm._steps()
    return asked


def test_every_sample_a_notebook_runs_as_a_32_bit_program_is_warmed(monkeypatch):
    ran = {name for cell in _cells() for name in re.findall(r"run_32bit\(\s*\"(\w+)\"", cell)}
    assert ran, "no notebook runs a 32-bit program: this test reads the wrong notebooks"
    built = _cross_builds(monkeypatch, runs_32bit=True)
    assert {("386", f"./{name}") for name in ran} <= built
    # where no 32-bit program runs (arm64, macOS), none is built
    assert not {b for b in _cross_builds(monkeypatch, runs_32bit=False) if b[0] == "386"}


def test_every_architecture_a_notebook_reads_instructions_for_is_warmed(monkeypatch):
    asked = {
        goarch
        for cell in _cells()
        if "instructions_at(" in cell
        for loop in re.findall(r"for goarch in \(([^)]*)\)", cell)
        for goarch in re.findall(r"\"(\w+)\"", loop)
    }
    assert asked, "no notebook reads instructions: this test reads the wrong notebooks"
    built = _cross_builds(monkeypatch, runs_32bit=False)
    assert {(goarch, "./valuesem") for goarch in asked} <= built
