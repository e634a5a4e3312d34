"""Go that a notebook shows lives in gosamples and is shown highlighted (`gm.show_go`), not
typed into a Python string, which a learner sees as one red string (issue 22, item 6).

A string may still hold a Go program where the learner edits it: an exercise starter
(`exercise_N = ...`), its solution (a cell tagged `solution`) and a "Try it" cell (`try_...`).
The notebooks listed have been moved; the others still hold some Go in strings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MOVED = ["01-new-vs-make", "02-value-semantics", "03-escape-analysis", "05-pprof"]
EDITABLE_PREFIXES = ("exercise_", "solution", "try_")


def _is_go_file(node: ast.AST) -> bool:
    """A string literal holding a whole Go file: "package x" (or a build line) and more lines."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    text = node.value.strip()
    return "\n" in text and text.startswith(("package ", "//go:build "))


def _go_programs(source: str) -> list[str]:
    """The names given to string literals that hold a whole Go file; "?" for a literal that
    is not assigned to a name (handed straight to a call)."""
    found, named = [], set()
    python = "\n".join("" if line.startswith(("%", "!")) else line for line in source.splitlines())
    tree = ast.parse(python)  # magics (%matplotlib) blanked out
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            for inner in ast.walk(node.value):
                if _is_go_file(inner):
                    found.append(node.targets[0].id)
                    named.add(id(inner))
    found += ["?" for node in ast.walk(tree) if _is_go_file(node) and id(node) not in named]
    return found


def test_the_finder_sees_go_in_strings():
    assert _go_programs('demo = gm.snippet("""package main\n\nfunc main() {}\n""")') == ["demo"]
    assert _go_programs('gm.escape.run("""package main\n\nfunc main() {}\n""")') == ["?"]
    assert _go_programs('probe = ["package probe", ""]') == []


@pytest.mark.parametrize("stem", MOVED)
def test_go_is_in_gosamples_except_where_the_learner_edits(stem):
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    held = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        names = _go_programs(cell.source)
        held += [(index, n) for n in names if not n.startswith(EDITABLE_PREFIXES)]
    assert not held, f"Go held in Python strings (cell, name): {held}; move it to gosamples"
