"""Clear notebook outputs before committing, except in cells tagged `nbval-check-output`.

Usage: python scripts/nbstrip.py [--execute] NOTEBOOK...

With --execute the notebook is first run top to bottom (quick mode off, in its own folder),
so that checked cells carry fresh outputs and execution counts, which nbval needs to compare.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import nbformat

CHECKED = "nbval-check-output"


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if CHECKED not in cell.get("metadata", {}).get("tags", []):
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def execute(nb: nbformat.NotebookNode, folder: Path) -> None:
    from nbclient import NotebookClient

    from gomemlab.kernels import private_kernel

    os.environ.pop("GOMEMLAB_QUICK", None)
    with private_kernel() as kernel:
        NotebookClient(
            nb, km=kernel, timeout=900, resources={"metadata": {"path": str(folder)}}
        ).execute()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", action="store_true")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args()
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.execute:
            execute(nb, path.parent)
        nbformat.write(strip(nb), path)
        print(f"stripped {path}")


if __name__ == "__main__":
    main()
