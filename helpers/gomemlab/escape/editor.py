"""A live editor (type Go, press Run, read the verdicts) and the exercise self-check."""

from __future__ import annotations

import html

from ..errors import GomemlabError
from .analyze import analyze

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


class CheckResult:
    """The outcome of an exercise check: `.passed`, the compiler's `.report`, a message."""

    def __init__(self, passed: bool, message: str, report=None):
        self.passed = passed
        self.message = message
        self.report = report

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("✓ " if self.passed else "✗ not yet: ") + self.message

    def _repr_html_(self) -> str:
        colour, mark = ("#009E73", "✓ solved") if self.passed else ("#D55E00", "✗ not yet")
        return (f'<div style="border-left:4px solid {colour};padding:2px 8px">'
                f"<b>{mark}</b><pre>{html.escape(self.message)}</pre></div>")


def check_no_heap(source: str, function: str) -> CheckResult:
    """Compile `source` and check that `function` exists and sends nothing to the heap."""
    try:
        report = analyze(source, level=2, timeout=60)
    except GomemlabError as error:
        return CheckResult(False, f"the code does not compile:\n{error}")
    if not any(span.name == function for spans in report.spans.values() for span in spans):
        return CheckResult(False, f"there is no function {function} in the code any more",
                           report)
    try:
        report.expect_no_heap(function)
    except AssertionError as error:
        return CheckResult(False, str(error), report)
    return CheckResult(True, f"the compiler keeps everything in {function} off the heap",
                       report)
