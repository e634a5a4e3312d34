"""The Go editor in Debian's Chromium (issue 22): a learner types a program key by key and it
compiles; gofmt's tabs; Tab inserts a tab; Escape leaves the editor and Tab reaches Run.

The bundle runs as anywidget runs it (`render({model, el})`) in a page served by Playwright's
router, with a small stand-in for the widget model and a Run button after the editor, as
`editor_box` lays them out. What the editor holds is then compiled by the real Go toolchain.
"""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, _need_browser

from gomemlab import goeditor, programs, workspace

pytestmark = [pytest.mark.live, pytest.mark.browser]

ORIGIN = "http://editor.test"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>editor</title></head>
<body><button id="before">before</button><div id="editor"></div><button id="run">Run</button>
<script type="module">
import widget from "./go_editor.js";
const values = {code: "", runs: 0, marks: [], height: 420};
const listeners = {};
const model = {
  get: (k) => values[k],
  set: (k, v) => { values[k] = v; },
  save_changes: () => {},
  on: (event, f) => { (listeners[event] = listeners[event] || []).push(f); },
};
window.model = values;
widget.render({model, el: document.getElementById("editor")});
window.ready = true;
</script></body></html>"""

# A program as a learner types it, line by line, `}` lines included, with no indentation:
# the editor indents (with tabs) and dedents a lone `}` itself.
TYPED = [
    "package main",
    "",
    'import "fmt"',
    "",
    "type box struct {",
    "n int",
    "}",
    "",
    "func main() {",
    "b := new(box)",
    "for i := range 3 {",
    "if i > 0 {",
    "b.n += i",
    "}",
    "}",
    'fmt.Println("total:", b.n, len([]int{1, 2}))',
    "}",
]
GOFMT = """package main

import "fmt"

type box struct {
\tn int
}

func main() {
\tb := new(box)
\tfor i := range 3 {
\t\tif i > 0 {
\t\t\tb.n += i
\t\t}
\t}
\tfmt.Println("total:", b.n, len([]int{1, 2}))
}
"""


@pytest.fixture(scope="module")
def page():
    _need_browser()
    from playwright.sync_api import sync_playwright

    bundle = goeditor.BUNDLE.read_bytes()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.set_default_timeout(30_000)
        tab.route(f"{ORIGIN}/", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
        tab.route(
            f"{ORIGIN}/go_editor.js",
            lambda route: route.fulfill(body=bundle, content_type="text/javascript"),
        )
        tab.goto(f"{ORIGIN}/")
        tab.wait_for_function("window.ready === true")
        yield tab
        browser.close()


def _clear(page) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")


def test_a_program_typed_key_by_key_is_gofmt_and_compiles(page):
    _clear(page)
    for line in TYPED:
        page.keyboard.type(line, delay=5)
        page.keyboard.press("Enter")
    code = page.evaluate("window.model.code")
    assert code == GOFMT, code
    page.keyboard.press("Control+Enter")  # the run the Python side listens for
    assert page.evaluate("window.model.runs") == 1
    package = workspace.snippet(code, label="typed-in-editor")
    done = programs.run(package, timeout=120)
    assert done.stdout.strip() == "total: 3 2"


def test_enter_between_braces_indents_and_closes_once(page):
    _clear(page)
    page.keyboard.type("func f() {}")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    assert page.evaluate("window.model.code") == "func f() {\n\t\n}"
    _clear(page)
    page.keyboard.type("f(")  # a parenthesis still closes, and typing it steps over it
    assert page.evaluate("window.model.code") == "f()"
    page.keyboard.type('"x")')
    assert page.evaluate("window.model.code") == 'f("x")'


def test_tab_inserts_a_tab_and_shift_tab_takes_it_back(page):
    _clear(page)
    page.keyboard.type("x")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert page.evaluate("window.model.code") == "\tx"
    assert page.evaluate("!!document.activeElement.closest('.cm-editor')")  # still editing
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("window.model.code") == "x"


def test_the_keyboard_alone_reaches_the_editor_and_the_run_button(page):
    _clear(page)
    page.locator("#before").focus()
    page.keyboard.press("Tab")  # into the editor
    assert page.evaluate("!!document.activeElement.closest('.cm-editor')")
    page.keyboard.type("1")  # nothing to suggest after a digit
    page.keyboard.press("Escape")  # leave: Tab now moves on instead of indenting
    page.keyboard.press("Tab")
    where = page.evaluate("document.activeElement.id || document.activeElement.className")
    assert where == "run", (where, page.evaluate("window.model.code"))
    assert page.evaluate("window.model.code") == "1"  # no tab was typed
    page.keyboard.press("Shift+Tab")  # back into the editor, where Tab indents again
    assert page.evaluate("!!document.activeElement.closest('.cm-editor')")
    before = page.evaluate("window.model.code")
    page.keyboard.press("Tab")
    assert page.evaluate("window.model.code").count("\t") == before.count("\t") + 1
    assert page.evaluate("!!document.activeElement.closest('.cm-editor')")


def test_enter_ends_the_line_while_suggestions_show(page):
    """Issue 22's walk, under load: `n int` Enter became `n interface` when the completion
    popup had opened with its first option chosen. None is chosen until an arrow picks one."""
    _clear(page)
    page.keyboard.type("n int")
    page.locator(".cm-tooltip-autocomplete").wait_for()  # the popup is open...
    page.keyboard.press("Enter")  # ...and Enter still ends the line
    assert page.evaluate("window.model.code") == "n int\n"
    page.keyboard.type("x := inte")
    page.locator(".cm-tooltip-autocomplete").wait_for()
    page.keyboard.press("ArrowDown")  # picking one, then Enter, still completes
    page.keyboard.press("Enter")
    assert page.evaluate("window.model.code").startswith("n int\nx := inte")
    assert page.evaluate("window.model.code") != "n int\nx := inte"


def test_with_suggestions_open_escape_closes_them_and_tab_leaves(page):
    _clear(page)
    page.keyboard.type("inte")
    page.locator(".cm-tooltip-autocomplete").wait_for()
    page.keyboard.press("Escape")
    page.locator(".cm-tooltip-autocomplete").wait_for(state="detached")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    assert page.evaluate("window.model.code") == "inte"
