"""A live editor: type Go, press Run, read the compiler's verdicts (ipywidgets, loaded lazily)."""

from __future__ import annotations

import html

from .. import validate
from ..errors import GomemlabError
from .run import LEVELS, analyze

STARTER = '''package main

type point struct{ x, y int }

//go:noinline
func newPoint() *point {
	p := point{1, 2}
	return &p
}

func main() {
	println(newPoint().x)
}
'''


def _error_html(error: Exception) -> str:
    if isinstance(error, GomemlabError):
        return error._repr_html_()
    return f"<pre>{html.escape(type(error).__name__ + ': ' + str(error))}</pre>"


def editor(source: str = STARTER, *, level: int = 2, rows: int = 14):
    """A text area with Go code and a Run button; the verdicts appear below it.

    Scratch only: the code is compiled as a snippet module in the scratch folder, never in
    gosamples/. Returns the widget box; `.code`, `.run_button`, `.output` and `.report` (the
    last EscapeReport, or None after a compile error) are there for scripts and tests.
    """
    import ipywidgets as widgets

    validate.text(source, "source")
    validate.choice(level, LEVELS, "level")
    rows = validate.count(rows, "rows", maximum=200)
    code = widgets.Textarea(value=source, rows=rows, layout=widgets.Layout(width="100%"))
    button = widgets.Button(description="Run the compiler", button_style="primary",
                            icon="play")
    output = widgets.HTML(value="<i>Press Run to see what the compiler decides.</i>")
    box = widgets.VBox([code, button, output])
    box.code, box.run_button, box.output, box.report = code, button, output, None

    def run(_button=None) -> None:
        output.value = "<i>compiling…</i>"
        try:
            box.report = analyze(code.value, level=level, timeout=60)
            output.value = box.report._repr_html_()
        except Exception as error:  # shown to the learner, not raised into the widget
            box.report = None
            output.value = _error_html(error)

    button.on_click(run)
    box.run = run
    return box
