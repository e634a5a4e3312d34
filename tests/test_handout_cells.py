"""What a handout shows of a notebook (issue 22): no solution pointer that points at nothing,
solutions folded when asked for, claim checks' code folded above what they printed, and the
editor as a static listing without "Press Run". Rendered by nbconvert, nothing executed."""

from __future__ import annotations

import nbformat
from nbconvert import HTMLExporter

from gomemlab import export, lab

MARKER = "**Solution** (hidden: click the collapsed cell below to show it, after you have tried)."


def _notebook():
    v4 = nbformat.v4
    solution = v4.new_code_cell(
        "# Solution: hidden on purpose.\nsolution_1 = 'x := 42'\n"
        "gm.escape.exercises.check_total.reference(solution_1)",
        metadata={"jupyter": {"source_hidden": True}, "tags": ["solution"]},
    )
    solution.outputs = [v4.new_output("stream", name="stdout", text="the reference passes\n")]
    check = v4.new_code_cell("assert 1 + 1 == 2\nassert 'heap' in 'moved to heap'\nprint('ok')")
    check.outputs = [v4.new_output("stream", name="stdout", text="checked: 2\n")]
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("Some idea.\n\n*Check:* one and one make two."),
            check,
            v4.new_markdown_cell("### Exercise 1"),
            v4.new_code_cell("exercise_1 = 'x'"),
            v4.new_markdown_cell(MARKER),
            solution,
            v4.new_markdown_cell("## Next"),
        ]
    )


def _html(with_solutions: bool) -> str:
    return export._to_html(_notebook(), with_solutions, HTMLExporter, nbformat)


def test_without_solutions_neither_the_solution_nor_its_pointer_shows():
    page = _html(False)
    assert "click the collapsed cell" not in page and "x := 42" not in page
    assert "Exercise 1" in page and "Next" in page


def test_with_solutions_each_is_a_closed_details_block():
    page = _html(True)
    assert "click the collapsed cell" not in page
    assert (
        page.count('<details class="gml-folded">') == 2 and " open" not in page.split("<details")[1]
    )
    solution = page[page.index("<summary>Solution</summary>") :]
    assert "x := 42" in solution[: solution.index("</details>")]
    assert "the reference passes" in solution[: solution.index("</details>")]


def test_a_claim_check_shows_its_output_and_folds_its_code():
    page = _html(False)
    folded = page[page.index("<summary>The check") :]
    folded = folded[: folded.index("</details>")]
    assert "1</span> <span" in folded or "assert" in folded  # highlighted or plain
    outside = page.replace(folded, "")
    assert "assert" not in outside  # no assert line outside the folded block
    assert "checked: 2" in outside  # what the check printed stays in view


def test_the_course_notebooks_solutions_all_have_their_marker():
    """Every solution cell of every notebook is found by the handout's rule, pointer included."""
    for path in sorted(lab.pristine().glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = export.handout_cells(list(nb.cells), False, nbformat)
        left = [c.source[:60] for c in cells if c.source.startswith(export.SOLUTION_MARK)]
        assert not left, (path.name, left)
        assert not any(export._is_solution(c) for c in cells), path.name
