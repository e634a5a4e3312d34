"""Handouts: executed, self-contained, no CDN, solutions out unless asked, widgets pictured."""

from __future__ import annotations

import nbformat
import pytest

from gomemlab import export, lab

pytestmark = pytest.mark.live


def _widget_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import gomemlab as gm, ipywidgets as w\n"
            "w.VBox([w.HTML('<b>state shown</b>'), "
            "w.IntSlider(value=7, description='GOGC')])"
        ),
        nbformat.v4.new_code_cell(
            "# solution\nprint('the answer is 42')", metadata={"jupyter": {"source_hidden": True}}
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "99-widget.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_handout_pictures_widgets_and_hides_solutions(tmp_path):
    source = _widget_notebook(tmp_path)
    (page,) = export.export([source], out=tmp_path / "out", quick=True, progress=False)
    html = page.read_text()
    assert "state shown" in html and "GOGC" in html and "7" in html
    assert "the answer is 42" not in html
    assert export.external_loads(html) == []
    (shown,) = export.export(
        [source], out=tmp_path / "all", quick=True, progress=False, with_solutions=True
    )
    assert "the answer is 42" in shown.read_text()


def test_a_course_notebook_exports_without_its_solutions(tmp_path):
    (page,) = export.export(["01"], out=tmp_path, quick=True, progress=False)
    html = page.read_text()
    original = nbformat.read(lab.notebook("01"), as_version=4)
    solutions = [c.source for c in original.cells if export._is_solution(c)]
    assert len(solutions) == 3, "notebook 01 has three hidden solutions"
    assert "(solution)" not in html and "*list = append(*list, item)" not in html
    assert "<img" in html or "<table" in html
    assert export.external_loads(html) == []
