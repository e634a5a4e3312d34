"""The x-ray editor in JupyterLab in Chromium, as a learner uses it (issue 24): press X-ray it,
the gutter marks the right lines in words; hovering a mark, or the cursor on its line (F8),
shows its details; an edit, run again, updates the gutter; axe finds nothing serious.

Screenshots go to $GOMEMLAB_ARTIFACTS (default: a temporary folder), to look at.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from axe import blocking, explain, need_axe, violations
from labserver import lab_page
from test_browser import CHROMIUM, CHROMIUM_ARGS, CURRENT, _need_browser, artifacts  # noqa: F401

from gomemlab import lab as gmlab
from gomemlab.xray.widgets import STARTER

pytestmark = [pytest.mark.live, pytest.mark.browser]

NOTEBOOK = "xray-editor.ipynb"
CELLS = ["import gomemlab as gm", 'box = gm.xray.editor(benchtime="2000x")\nbox']
WORDS = """(root) => [...root.querySelectorAll('.gml-xray-gutter .cm-gutterElement')]
  .filter(e => e.textContent).map(e => {
    const top = e.getBoundingClientRect().top;
    const line = [...root.querySelectorAll('.cm-line')]
      .find(l => Math.abs(l.getBoundingClientRect().top - top) < 3);
    return [e.textContent, line ? line.textContent.trim() : '?'];
  })"""
"""[the mark's words, the source line beside it] for each x-ray mark in the gutter."""
POINT, BUFFER = (
    next(n for n, line in enumerate(STARTER.splitlines(), 1) if text in line)
    for text in ("p := point{n, n}", "buf := make([]byte, n)")
)
PANEL = "document.querySelector('.gml-xray-panel')?.textContent || ''"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    _need_browser()
    need_axe()
    home = tmp_path_factory.mktemp("xray-lab")
    mine = home / "mine" / "notebooks"  # the learner's copy (GOMEMLAB_DATA=home/mine)
    mine.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    chapter = nbformat.read(gmlab.pristine() / "05-pprof.ipynb", as_version=4)
    notebook.metadata = chapter.metadata  # its kernel, so the lab asks for none
    nbformat.write(notebook, mine / NOTEBOOK)
    with lab_page(home, CHROMIUM, CHROMIUM_ARGS, width=1300) as tab:
        tab.evaluate(
            f"window.jupyterapp.commands.execute('docmanager:open', {{path: '{NOTEBOOK}'}})"
            ".then(() => null)"
        )
        tab.wait_for_function(
            f"{CURRENT} && {CURRENT}.context && {CURRENT}.context.path === '{NOTEBOOK}' && "
            f"{CURRENT}.sessionContext.session && {CURRENT}.sessionContext.session.kernel && "
            f"{CURRENT}.sessionContext.session.kernel.status === 'idle'"
        )
        tab.evaluate(
            "window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => null)"
        )
        tab.locator(".gml-go-editor .cm-content").wait_for()
        yield tab


def _marks(page, box) -> dict[str, str]:
    """{source line: the words of its mark}."""
    return {line: words for words, line in box.evaluate(WORDS)}


def test_a_run_marks_the_right_lines_and_the_details_show_on_hover_and_focus(page, artifacts):  # noqa: F811
    box = page.locator(".gml-go-editor").locator(
        "xpath=ancestor::div[contains(@class,'widget-vbox')][1]"
    )
    box.get_by_role("button", name="X-ray it").click()  # as a learner does
    box.locator(".gml-xray-mark").first.wait_for(timeout=180_000)
    marks = _marks(page, box)
    assert set(marks) == {"p := point{n, n}", "buf := make([]byte, n)"}, marks
    heap = re.fullmatch(r"heap (\d+)%", marks["p := point{n, n}"])
    stack = re.fullmatch(r"stack (\d+)%", marks["buf := make([]byte, n)"])
    assert heap and stack, marks
    # every call allocates a 16-byte point and a 64-byte buffer: 4 times the bytes
    assert int(stack[1]) > int(heap[1]) and int(stack[1]) + int(heap[1]) <= 100, marks
    box.screenshot(path=str(artifacts / "xray-editor-marks.png"))

    box.locator(".gml-xray-mark.gml-mark-heap").hover()
    tip = page.locator(".gml-xray-tooltip")
    said = tip.text_content()
    assert said.startswith(f"Line {POINT} · {heap[0]}\n") and "moved to heap: p" in said, said
    page.screenshot(path=str(artifacts / "xray-editor-hover.png"))
    page.mouse.move(1, 1)
    tip.wait_for(state="detached")

    box.locator(".cm-content").click()  # the keyboard from here on
    page.keyboard.press("Control+Home")
    page.keyboard.press("F8")
    assert page.evaluate(PANEL).startswith(f"Line {POINT} · {heap[0]}\n")
    page.keyboard.press("F8")
    said = page.evaluate(PANEL)
    assert said.startswith(f"Line {BUFFER} · {stack[0]}\n") and "VariableMakeThreshold" in said, (
        said
    )
    assert "does not escape" in said
    box.screenshot(path=str(artifacts / "xray-editor-keyboard.png"))
    found = violations(page, include=[".gml-go-editor"])
    assert not blocking(found), explain(found)


def test_an_edit_run_again_updates_the_gutter(page, artifacts):  # noqa: F811
    box = page.locator(".gml-go-editor").locator(
        "xpath=ancestor::div[contains(@class,'widget-vbox')][1]"
    )
    box.locator(".cm-line", has_text="buf := make([]byte, n)").click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")  # "n)" gone: a constant size instead
    page.keyboard.type("64)")
    assert page.locator(".cm-editor.gml-xray-stale").count() == 1  # marks of the old code
    assert "from the run before your last edit" in page.evaluate(PANEL)
    page.keyboard.press("Control+Enter")  # X-ray it, from the editor
    page.locator(".cm-editor.gml-xray-stale").wait_for(state="detached", timeout=180_000)
    marks = _marks(page, box)
    assert marks["buf := make([]byte, 64)"] == "stack", marks  # on the stack, no allocation
    assert re.fullmatch(r"heap \d+%", marks["p := point{n, n}"]), marks
    box.screenshot(path=str(artifacts / "xray-editor-edited.png"))
