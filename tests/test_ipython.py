"""In a real kernel a lab error shows as a readable panel and still fails the cell."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook

from gomemlab.kernels import private_kernel

BROKEN = 'gm.build(gm.snippet("package main\\n\\nfunc main() { println(missing) }\\n"))'


def _execute(*cells: str) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[new_code_cell("import gomemlab as gm\ngm.setup()"), *map(new_code_cell, cells)]
    )
    _run(nb)
    return nb


def _run(nb: nbformat.NotebookNode, allow_errors: bool = False) -> None:
    with private_kernel() as kernel:
        NotebookClient(nb, km=kernel, timeout=120, allow_errors=allow_errors).execute()


@pytest.mark.live
def test_a_go_build_error_is_a_table_and_fails_the_cell():
    with pytest.raises(CellExecutionError) as caught:
        _execute(BROKEN, "print('not reached')")
    assert "GoBuildError" in str(caught.value)


@pytest.mark.live
def test_the_failed_cell_shows_the_panel_not_a_python_traceback():
    nb = new_notebook(
        cells=[new_code_cell("import gomemlab as gm\ngm.setup()"), new_code_cell(BROKEN)]
    )
    _run(nb, allow_errors=True)
    outputs = nb.cells[1].outputs
    (panel,) = [o for o in outputs if o.output_type == "display_data"]
    assert "main.go" in panel.data["text/html"] and "undefined: missing" in panel.data["text/html"]
    (error,) = [o for o in outputs if o.output_type == "error"]
    assert error.ename == "GoBuildError"
    # The log line (what nbval and CI print) says what happened and where.
    assert len(error.traceback) == 1
    assert "main.go:3:23: undefined: missing" in error.traceback[0]


@pytest.mark.live
def test_without_setup_a_lab_error_is_a_plain_traceback():
    nb = new_notebook(cells=[new_code_cell("import gomemlab as gm"), new_code_cell(BROKEN)])
    _run(nb, allow_errors=True)
    outputs = nb.cells[1].outputs
    assert not [o for o in outputs if o.output_type == "display_data"]
    (error,) = [o for o in outputs if o.output_type == "error"]
    assert error.ename == "GoBuildError" and len(error.traceback) > 1


def test_tables_show_whole_text_cells_in_a_kernel():
    meaning = "median concurrent mark of the complete cycles, while the program keeps running"
    nb = _execute(f"import pandas as pd\npd.DataFrame({{'meaning': [{meaning!r}]}})")
    shown = nb.cells[-1].outputs[0].data["text/html"]
    assert meaning in shown and "..." not in shown


def test_a_frame_a_cell_shows_scrolls_in_its_own_named_region():
    nb = _execute("import pandas as pd\npd.DataFrame({'heap': [1], 'allocs/op': [2]})")
    shown = nb.cells[-1].outputs[0].data["text/html"]
    assert shown.startswith('<div class="gml-scroll" role="region" tabindex="0"')
    assert 'aria-label="table of heap, allocs/op"' in shown and 'class="dataframe"' in shown
