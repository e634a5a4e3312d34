"""A learner's session in a real browser: JupyterLab in Debian's Chromium, driven by Playwright.

The lab opens on start-here; notebook 03 runs to the end; Go typed into the escape editor gets
the compiler's verdict on the page; a slider of 07's GC explorer changes the picture. Screenshots
go to $GOMEMLAB_ARTIFACTS (default: a temporary folder), to look at. On CI (`CI` set) a missing
browser fails the test; elsewhere it skips.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from labserver import running_lab

pytestmark = [pytest.mark.live, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Python playwright"
    else:
        missing = "" if CHROMIUM else "chromium"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is missing: .ci/run installs it")
        pytest.skip(f"{missing} is not installed")


@pytest.fixture(scope="module")
def artifacts():
    folder = Path(os.environ.get("GOMEMLAB_ARTIFACTS") or tempfile.mkdtemp(prefix="browser-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need_browser()
    home = tmp_path_factory.mktemp("lab")
    with running_lab(
        home,
        ["--LabApp.expose_app_in_browser=True", f"--LabApp.workspaces_dir={home / 'workspaces'}"],
    ) as (base, _):
        yield base, home


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    base, _ = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.set_default_timeout(120_000)
        tab.goto(f"{base}/")
        tab.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget")
        yield tab
        browser.close()


CURRENT = "window.jupyterapp.shell.currentWidget"


def _open_and_run(page, path: str) -> None:
    page.evaluate(
        f"window.jupyterapp.commands.execute('docmanager:open', {{path: '{path}'}})"
        ".then(() => null)"
    )
    page.wait_for_function(
        f"{CURRENT} && {CURRENT}.context && {CURRENT}.context.path === "
        f"'{path}' && {CURRENT}.sessionContext.session && "
        f"{CURRENT}.sessionContext.session.kernel && "
        f"{CURRENT}.sessionContext.session.kernel.status === 'idle'"
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => null)")
    # Done when every code cell has run, or as soon as one shows an error (run-all stops
    # there, and the test should say which error rather than wait for the timeout).
    page.wait_for_function(
        f"(() => {{ const nb = {CURRENT}.content.model; const cells = nb.cells;"
        " let all = true;"
        " for (let i = 0; i < cells.length; i++) { const c = cells.get(i);"
        " if (c.type !== 'code') continue;"
        " const outs = c.outputs; for (let j = 0; j < outs.length; j++) {"
        " if (outs.get(j).toJSON().output_type === 'error') return true; }"
        " if (!c.executionCount) all = false; }"
        f" return all && {CURRENT}.sessionContext.session.kernel.status === 'idle'; }})()",
        timeout=300_000,
    )


def _errors(page) -> list[str]:
    return page.evaluate(
        f"(() => {{ const cells = {CURRENT}.content.model.cells; const bad = [];"
        " for (let i = 0; i < cells.length; i++) { const c = cells.get(i);"
        " if (c.type !== 'code') continue; const outs = c.outputs;"
        " for (let j = 0; j < outs.length; j++) { const o = outs.get(j).toJSON();"
        " if (o.output_type === 'error') bad.push(i + ': ' + o.ename + ': ' + o.evalue); } }"
        " return bad; })()"
    )


def test_the_lab_opens_on_start_here(page, artifacts):
    page.wait_for_function(f"{CURRENT}.context && {CURRENT}.context.path")
    assert page.evaluate(f"{CURRENT}.context.path") == "00-start-here.ipynb"
    page.screenshot(path=str(artifacts / "00-start-here.png"))


def test_notebook_03_runs_and_the_editor_answers(page, artifacts):
    _open_and_run(page, "03-escape-analysis.ipynb")
    errors = _errors(page)
    # The notebook shows a compile error on purpose only inside the editor, never as a cell
    # error: any error output is a failure.
    assert not errors, errors
    editor = page.locator(".gml-go-editor .cm-content").first
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(
        "package main\n\nfunc leak() *int {\n\tx := 42\n\treturn &x\n}\n\n"
        "func main() { println(*leak()) }\n"
    )
    # Tab indents inside the editor instead of leaving it (a real editor for Go).
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.cm-editor')")
    page.keyboard.press("Backspace")  # take the indent back out
    box = editor.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    page.keyboard.press("Control+Enter")  # runs the compiler from the editor
    try:
        box.get_by_text("moved to heap: x").first.wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path=str(artifacts / "03-editor-failed.png"))
        raise
    # The verdict marks its line: a word in the editor's gutter on the verdict's colour (the
    # line tinted alike), the compiler's message on hover of the mark.
    box.locator(".cm-line.gml-mark-heap").first.wait_for(timeout=30_000)
    mark = box.locator(".gml-xray-gutter .gml-xray-mark.gml-mark-heap").first
    assert mark.text_content() == "heap"
    mark.hover()
    assert "moved to heap: x" in page.locator(".gml-xray-tooltip").first.text_content()
    assert box.locator(".cm-gutters").count() == 1  # line numbers
    box.screenshot(path=str(artifacts / "03-editor-verdict.png"))


def test_a_gc_slider_changes_the_picture(page, artifacts):
    _open_and_run(page, "07-gc.ipynb")
    assert not _errors(page), _errors(page)
    slider = page.locator(".gml-slider").first  # gomemlab.controls.Slider
    slider.scroll_into_view_if_needed()
    box = slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    picture = box.locator(".gml-picture img").first
    before = picture.get_attribute("src")
    handle = slider.locator("input[type=range]")
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    page.wait_for_function(
        "([img, old]) => img.getAttribute('src') !== old",
        arg=[picture.element_handle(), before],
        timeout=60_000,
    )
    box.screenshot(path=str(artifacts / "07-slider-moved.png"))
