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
const model = {  // as Backbone's: set fires change:key for a new value
  get: (k) => values[k],
  set: (k, v) => {
    if (values[k] === v) return;
    values[k] = v;
    for (const f of listeners[`change:${k}`] || []) f();
  },
  save_changes: () => {},
  on: (event, f) => { (listeners[event] = listeners[event] || []).push(f); },
};
window.model = values;
window.setModel = model.set;
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


MARKED = "package main\n\nfunc f() *int {\n\tx := 1\n\treturn &x\n}\n\nfunc main() { f() }\n"
MARKS = [
    {"line": 4, "kind": "heap", "label": "heap 62%", "message": "moved to heap: x"},
    {"line": 8, "kind": "stack", "message": "inlining call to f"},  # no label: the kind
]
GUTTER_WORDS = """[...document.querySelectorAll('.gml-xray-gutter .cm-gutterElement')]
  .filter(e => e.textContent).map(e => {
    const top = e.getBoundingClientRect().top;
    const number = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')]
      .find(n => n.textContent && Math.abs(n.getBoundingClientRect().top - top) < 2);
    return [e.textContent, number ? number.textContent : '?'];
  })"""
"""[words, line number] of each x-ray mark in the gutter (the number beside it)."""
PANEL = "document.querySelector('.gml-xray-panel')?.textContent || ''"


def _show(page, code: str, marks: list) -> None:
    page.evaluate("([c, m]) => { setModel('code', c); setModel('marks', m); }", [code, marks])


def test_marks_are_words_in_the_gutter_on_their_lines_with_details_on_hover(page):
    _show(page, MARKED, MARKS)
    words = {line: text for text, line in page.evaluate(GUTTER_WORDS)}
    assert words == {"4": "heap 62%", "8": "stack"}, words
    assert page.locator(".cm-line.gml-mark-heap").count() == 1  # the line tinted alike
    page.locator(".gml-xray-mark.gml-mark-heap").hover()
    tip = page.locator(".gml-xray-tooltip")
    assert tip.text_content() == "Line 4 · heap 62%\nmoved to heap: x"
    page.mouse.move(1, 1)  # away: the tooltip goes
    tip.wait_for(state="detached")


def test_the_keyboard_reaches_every_marks_details(page):
    _show(page, MARKED, MARKS)
    page.locator("#before").focus()
    page.keyboard.press("Tab")  # into the editor, cursor at the start
    assert page.evaluate(PANEL).startswith("2 marked lines: put the cursor on one")
    assert page.evaluate("document.querySelector('.gml-xray-panel').getAttribute('aria-live')")
    page.keyboard.press("F8")
    assert page.evaluate(PANEL) == "Line 4 · heap 62%\nmoved to heap: x"
    page.keyboard.press("F8")
    assert page.evaluate(PANEL) == "Line 8 · stack\ninlining call to f"
    page.keyboard.press("F8")  # round the end
    assert page.evaluate(PANEL).startswith("Line 4 ·")
    page.keyboard.press("Shift+F8")
    assert page.evaluate(PANEL).startswith("Line 8 ·")
    page.keyboard.press("ArrowUp")  # an unmarked line: the panel says how to get to one
    assert page.evaluate(PANEL).startswith("2 marked lines")


def test_an_edit_keeps_marks_on_their_lines_as_stale_until_the_next_run(page):
    _show(page, MARKED, MARKS)
    page.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("Enter")  # a line above everything: the marks move down with theirs
    words = {line: text for text, line in page.evaluate(GUTTER_WORDS)}
    assert words == {"5": "heap 62%", "9": "stack"}, words
    assert page.locator(".cm-editor.gml-xray-stale").count() == 1
    page.keyboard.press("F8")
    assert "from the run before your last edit" in page.evaluate(PANEL)
    _show(page, page.evaluate("window.model.code"), [{"line": 6, "kind": "leak", "message": ""}])
    assert page.evaluate(GUTTER_WORDS) == [["leak", "6"]]  # a run's marks replace the old
    assert page.locator(".cm-editor.gml-xray-stale").count() == 0
    _show(page, MARKED, [])
    assert page.locator(".gml-xray-panel").count() == 0  # no marks, no panel
