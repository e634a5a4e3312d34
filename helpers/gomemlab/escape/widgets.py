"""A live editor: type Go, press Run, read the compiler's verdicts (ipywidgets, loaded lazily)."""

from __future__ import annotations

from .. import validate
from .listing import report_html
from .run import LEVELS, run

STARTER = """package main

type point struct{ x, y int }

//go:noinline
func newPoint() *point {
	p := point{1, 2}
	return &p
}

func main() {
	println(newPoint().x)
}
"""


_MARKED = {"heap": "heap", "leak": "leak", "stack": "stack"}
"""Message categories painted on their lines in the editor (inlining notes are not)."""


def marks(report) -> list[dict]:
    """One mark per source line of main.go the compiler said something about: the most
    telling category wins (heap over leak over stack), the messages as the tooltip."""
    best: dict[int, dict] = {}
    order = ("stack", "leak", "heap")
    for message in report:
        kind = _MARKED.get(message.category)
        if kind is None or message.file not in ("main.go", "./main.go"):
            continue
        mark = best.setdefault(message.line, {"line": message.line, "kind": kind, "message": ""})
        if order.index(kind) > order.index(mark["kind"]):
            mark["kind"] = kind
        mark["message"] = (mark["message"] + "\n" + message.message).strip()
    return sorted(best.values(), key=lambda m: m["line"])


def editor(source: str = STARTER, *, level: int = 2, rows: int = 18):
    """A Go editor (highlighting, Tab indents, line numbers, Ctrl-Enter runs) and a Run button;
    the compiler's verdicts appear below it and colour the lines they name.

    Scratch only: the code is compiled as a snippet module in the scratch folder, never in
    gosamples/. Returns the box; `.editor.code` (the text), `.run_button`, `.output`, `.run()`
    and `.result` (the last EscapeReport, or None after a compile error) are there for scripts
    and tests.
    """
    from ..goeditor import editor_box

    validate.text(source, "source")
    validate.choice(level, LEVELS, "level")
    rows = validate.count(rows, "rows", maximum=200)

    def compile_it(code: str):
        report = run(code, level=level, timeout=60)
        return report_html(report, compact=True), marks(report), report

    return editor_box(
        source, on_run=compile_it, height=22 * rows, label="Go source code for the compiler"
    )
