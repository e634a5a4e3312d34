"""JupyterLab in Chromium, every notebook's outputs as a learner sees them after Run All, then:

- axe-core (WCAG 2.1 A/AA) over the notebook's OUTPUT areas: what the lab renders (tables,
  listings, verdicts, figures, widgets). JupyterLab's own chrome (menus, cell editors, the
  notebook's markdown styling) is not ours and is left out; no serious or critical violation.
- the keyboard alone: inside each output, Tab reaches every control (sliders, dropdowns,
  check boxes, buttons, the Go editor) in order, and keys operate them: arrows move a slider
  (and the plot it drives is drawn again, with new words) and change a dropdown, Space ticks
  a box, Enter and Space press a button, the Go editor takes typing and lets go of the focus
  with Escape then Tab. JupyterLab's command-mode shortcuts take the arrows from any focused
  element that is not editable text: the lab's own controls (gomemlab.controls) keep them.

Cells are rendered all at once (`windowingMode: none`), so every output is in the page.

Which outputs: `make test-site` runs this module after nbval ran every notebook and saved its
executed copy ($GOMEMLAB_EXECUTED, see conftest.py). A notebook whose copy shows a widget (a
slider, a button, the Go editor: their models live in the kernel, and moving a slider makes
the kernel draw again) is run whole in JupyterLab, Run All. Any other copy is opened in
JupyterLab as it is, trusted (as the outputs of a run are), its outputs rendered as Run All left
them, without running it a second time. A notebook with no executed copy (this module run on its
own) is run whole. Each notebook's kernel is shut down after its test.

Then what a learner does next where it needs the live kernel (LEARNER_STEPS): Go typed into
03's escape editor gets the compiler's verdict and a gutter mark. (07's slider drawing a new
picture is the keyboard's round: an arrow key on any slider must bring a new picture with words.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from axe import blocking, explain, need_axe, violations
from labserver import lab_page
from nbformat.sign import NotebookNotary
from test_browser import CHROMIUM, CHROMIUM_ARGS, CURRENT, _need_browser, artifacts  # noqa: F401

from gomemlab import export
from gomemlab import lab as gmlab
from gomemlab.errors import UsageError

pytestmark = [pytest.mark.live, pytest.mark.browser, pytest.mark.site]

NOTEBOOKS = sorted(p.name for p in gmlab.pristine().glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
SHOWN = "executed"
"""The folder, in the lab's notebooks folder, of the executed copies opened as they are."""
OUTPUTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
CONTROLS = (
    "input:not([type=hidden]), select, button, textarea, .noUi-handle, .cm-content, [role=slider]"
)


@pytest.fixture(scope="module")
def lab_home(tmp_path_factory) -> Path:
    """The lab's private folders: its Jupyter config, data (the trust database) and notebooks."""
    return tmp_path_factory.mktemp("a11y-lab")


@pytest.fixture(scope="module")
def page(lab_home):
    _need_browser()
    need_axe()
    home = lab_home
    # the learner's own settings (JUPYTER_CONFIG_DIR/lab/user-settings): every cell attached
    tracker = home / "config/lab/user-settings/@jupyterlab/notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with lab_page(home, CHROMIUM, CHROMIUM_ARGS) as tab:
        yield tab


def _executed(name: str):
    """The executed copy of notebook `name` that nbval saved ($GOMEMLAB_EXECUTED), or None
    when there is none (an outdated or unmarked copy fails the test)."""
    folder = os.environ.get("GOMEMLAB_EXECUTED")
    if not folder or not (Path(folder) / name).is_file():
        return None
    try:
        return export.executed_copy(gmlab.pristine() / name, folder, nbformat)
    except UsageError as stale:
        pytest.fail(str(stale))


def _has_widgets(nb) -> bool:
    return any(WIDGET in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def _show(page, home: Path, nb, name: str) -> list[str]:
    """Open the executed copy `nb` in the lab whose folders are in `home`, trusted, without
    running it; the unexpected errors among its outputs."""
    NotebookNotary(data_dir=str(home / "data")).sign(nb)  # the lab's own trust database
    folder = home / "mine" / "notebooks" / SHOWN
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)
    path = f"{SHOWN}/{name}"
    _open(page, path)
    untrusted = page.evaluate(
        f"(() => {{ const cells = {CURRENT}.content.model.cells; const bad = [];"
        " for (let i = 0; i < cells.length; i++) if (cells.get(i).type === 'code' &&"
        " !cells.get(i).trusted) bad.push(i); return bad; })()"
    )
    assert not untrusted, f"{path}: cells {untrusted} are not trusted: their outputs are sanitized"
    return page.evaluate(UNEXPECTED_ERRORS)


def _open(page, path: str) -> None:
    """Open the notebook at `path` (in the lab's folder) and wait for its kernel."""
    page.evaluate(
        f"window.jupyterapp.commands.execute('docmanager:open', {{path: '{path}'}})"
        ".then(() => null)"
    )
    page.wait_for_function(
        f"{CURRENT} && {CURRENT}.context && {CURRENT}.context.path === '{path}' && "
        f"{CURRENT}.sessionContext.session && {CURRENT}.sessionContext.session.kernel && "
        f"{CURRENT}.sessionContext.session.kernel.status === 'idle'"
    )


def _close(page) -> None:
    """Shut the current notebook's kernel down and close its tab."""
    page.evaluate(
        f"(async () => {{ const w = {CURRENT}; await w.sessionContext.shutdown();"
        " w.dispose(); })()"
    )


def _report(name: str, counts: dict) -> None:
    folder = os.environ.get("GOMEMLAB_ARTIFACTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "axe-lab.jsonl"), "a") as sink:
            sink.write(json.dumps({"notebook": name, "blocking": counts}) + "\n")


def _mark_controls(page, output) -> int:
    """Number the output's visible, enabled controls (`data-a11y-index`); how many."""
    return page.evaluate(
        """async ([out, selector]) => {
            const controls = [...out.querySelectorAll(selector)].filter(
                c => c.offsetParent !== null && !c.disabled);
            controls.forEach((c, i) => c.dataset.a11yIndex = i);
            return controls.length; }""",
        [output, CONTROLS],
    )


UNEXPECTED_ERRORS = (
    f"(() => {{ const cells = {CURRENT}.content.model.cells; const bad = [];"
    " for (let i = 0; i < cells.length; i++) { const c = cells.get(i);"
    " if (c.type !== 'code' || (c.getMetadata('tags') || []).includes('raises-exception'))"
    " continue; const outs = c.outputs;"
    " for (let j = 0; j < outs.length; j++) { const o = outs.get(j).toJSON();"
    " if (o.output_type === 'error') bad.push(i + ': ' + o.ename + ': ' + o.evalue); } }"
    " return bad; })()"
)


def _run_all(page, path: str) -> list[str]:
    """Open the notebook, run every cell (a cell tagged raises-exception may fail: JupyterLab
    runs on past it), wait for the end; the unexpected errors."""
    _open(page, path)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => null)")
    page.wait_for_function(
        f"{UNEXPECTED_ERRORS}.length > 0 || ((() => {{ const cells = {CURRENT}.content.model"
        ".cells; for (let i = 0; i < cells.length; i++) { const c = cells.get(i);"
        " if (c.type === 'code' && !c.executionCount) return false; } return true; })()"
        f" && {CURRENT}.sessionContext.session.kernel.status === 'idle')",
        timeout=600_000,
    )
    return page.evaluate(UNEXPECTED_ERRORS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_outputs_pass_axe_and_controls_work_from_the_keyboard(page, lab_home, artifacts, name):  # noqa: F811
    executed = _executed(name)
    try:
        if executed is None or _has_widgets(executed):
            errors = _run_all(page, name)
        else:
            errors = _show(page, lab_home, executed, name)
        assert not errors, errors
        page.wait_for_function(
            f"{CURRENT}.content.widgets.every(c => !c.model.executionCount || c.isAttached)"
        )
        found = violations(page, include=[OUTPUTS])
        _report(name, blocking(found))
        for output in page.locator(OUTPUTS).element_handles():
            count = _mark_controls(page, output)
            if count:
                _keyboard_reaches_and_operates(page, output, count)
        assert not blocking(found), f"{name}'s outputs in JupyterLab:\n{explain(found)}"
        if name in LEARNER_STEPS:
            LEARNER_STEPS[name](page, artifacts)
    finally:
        _close(page)


def _keyboard_reaches_and_operates(page, output, count: int) -> None:
    output.evaluate("o => { o.tabIndex = -1; o.focus(); }")  # the start, not itself a stop
    reached: list[int] = []
    for _ in range(4 * count + 10):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "(out) => { const a = document.activeElement;"
            " if (!out.contains(a)) return -2;"
            " const c = a.closest('[data-a11y-index]');"
            " return c && out.contains(c) ? Number(c.dataset.a11yIndex) : -1; }",
            output,
        )
        if where == -2:
            break
        if where >= 0 and where not in reached:
            reached.append(where)
            _operate(page, output, where)
    missing = sorted(set(range(count)) - set(reached))
    assert not missing, "Tab never reached: " + "; ".join(
        output.evaluate(
            "(o, i) => o.querySelector(`[data-a11y-index='${i}']`).outerHTML.slice(0, 160)",
            i,
        )
        for i in missing
    )


def _operate(page, output, index: int) -> None:
    """Operate the focused control with keys and assert it answered."""
    control = output.query_selector(f"[data-a11y-index='{index}']")
    kind = control.evaluate(
        "c => c.matches('.noUi-handle, [role=slider], input[type=range]') ? 'slider'"
        " : c.matches('select') ? 'select' : c.matches('input[type=checkbox]') ? 'checkbox'"
        " : c.matches('.cm-content') ? 'editor' : c.tagName.toLowerCase()"
    )
    state = (
        "c => c.getAttribute('aria-valuenow') || c.getAttribute('aria-valuetext') || c.value"
        " || String(c.checked)"
    )
    if kind == "slider":
        picture = output.query_selector(".gml-picture img")  # the plot the slider drives
        drawn = picture.evaluate("i => i.src") if picture else None
        before = control.evaluate(state)
        page.keyboard.press("ArrowRight")
        moved = control.evaluate(state)
        if moved == before:  # at the end already: the other way
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            moved = control.evaluate(state)
        assert moved != before, (
            f"the arrow keys do not move {control.evaluate('c => c.outerHTML')[:160]}"
        )
        if picture:  # the kernel redraws it: a new picture, and its words follow
            page.wait_for_function("([i, drawn]) => i.src && i.src !== drawn", arg=[picture, drawn])
            assert picture.evaluate("i => i.alt")
    elif kind == "select":
        options = control.evaluate("c => c.options.length")
        if options > 1:
            before = control.evaluate("c => c.value")
            page.keyboard.press(
                "ArrowDown" if control.evaluate("c => c.selectedIndex") == 0 else "ArrowUp"
            )
            assert control.evaluate("c => c.value") != before
    elif kind == "checkbox":
        before = control.evaluate("c => c.checked")
        page.keyboard.press("Space")
        assert control.evaluate("c => c.checked") != before
        page.keyboard.press("Space")  # as it was
    elif kind == "editor":
        page.keyboard.press("End")
        page.keyboard.type(" ")
        page.keyboard.press("Backspace")
        page.keyboard.press("Escape")  # CodeMirror: Tab now moves the focus on (no trap)
    elif kind == "button":  # Enter and Space press it (caught here: nothing runs)
        for key in ("Enter", "Space"):
            control.evaluate(
                "c => { c.dataset.pressed = '0'; c.addEventListener('click', e => {"
                " c.dataset.pressed = '1'; e.stopImmediatePropagation(); e.preventDefault(); },"
                " {capture: true, once: true}); }"
            )
            page.keyboard.press(key)
            assert control.evaluate("c => c.dataset.pressed") == "1", (
                f"{key} does not press {control.evaluate('c => c.outerHTML')[:160]}"
            )


LEAK = (
    "package main\n\nfunc leak() *int {\n\tx := 42\n\treturn &x\n}\n\n"
    "func main() { println(*leak()) }\n"
)


def _the_escape_editor_answers(page, shots: Path) -> None:
    """03 after its Run All: Go typed into the escape editor (Tab indents there, it is an
    editor for Go) and run with Ctrl-Enter gets the compiler's verdict on the page, and the
    verdict's line a word in the gutter with the compiler's message on hover."""
    editor = page.locator(".gml-go-editor .cm-content").first
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(LEAK)
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.cm-editor')")
    page.keyboard.press("Backspace")  # the indent out again
    box = editor.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    page.keyboard.press("Control+Enter")  # runs the compiler from the editor
    try:
        box.get_by_text("moved to heap: x").first.wait_for(timeout=60_000)
        box.locator(".cm-line.gml-mark-heap").first.wait_for(timeout=30_000)
    except Exception:
        page.screenshot(path=str(shots / "03-editor-failed.png"))
        raise
    mark = box.locator(".gml-xray-gutter .gml-xray-mark.gml-mark-heap").first
    assert mark.text_content() == "heap"
    mark.hover()
    assert "moved to heap: x" in page.locator(".gml-xray-tooltip").first.text_content()
    assert box.locator(".cm-gutters").count() == 1  # line numbers
    box.screenshot(path=str(shots / "03-editor-verdict.png"))


LEARNER_STEPS = {"03-escape-analysis.ipynb": _the_escape_editor_answers}
"""What a learner does next in a notebook, after its Run All and the keyboard's round: steps
that need the live kernel. (07's slider drawing a new picture is the keyboard's round itself.)"""
