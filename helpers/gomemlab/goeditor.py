"""A real Go editor in the notebook: CodeMirror 6 (Go highlighting, gofmt's tab indents, line
numbers, Ctrl/Cmd-Enter runs, Escape then Tab leaves), shipped as one bundled file
(`static/go_editor.js`, built from `js/go-editor` by `npm run build`) so nothing loads from
the network.

    box = editor_box("package main ...", on_run=lambda code: "<b>html</b>", marks_of=...)

`GoEditor` is the bare widget (traits `code`, `runs`, `marks`, `height`); `EditorBox` adds a
Run button and an output area; in a handout it shows as a static listing with its last output
(`gomemlab.snapshot`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

BUNDLE = Path(__file__).parent / "static" / "go_editor.js"
LIVE_ONLY = "gml-live-only"
"""A widget with this class says something only a live notebook needs ("Press Run"): a
handout's static picture leaves it out."""


class GoEditor(anywidget.AnyWidget):
    """CodeMirror editing Go; `runs` goes up each time the learner presses Ctrl/Cmd-Enter."""

    _esm = BUNDLE
    code = traitlets.Unicode("").tag(sync=True)
    runs = traitlets.Int(0).tag(sync=True)
    marks = traitlets.List(traitlets.Dict()).tag(sync=True)
    """[{"line": 4, "kind": "heap"|"leak"|"stack"|"error", "label": "heap 62%", "message":
    "..."}]: `label` (default: the kind) shows in the editor's gutter on the kind's colour,
    `message` on hover and, with the cursor on the line, in a live region under the editor."""
    height = traitlets.Int(420).tag(sync=True)
    label = traitlets.Unicode("Go source code").tag(sync=True)
    """The editable area's accessible name (what a screen reader announces on entering it)."""


class EditorBox(widgets.VBox):
    """Editor, Run button and output (`.editor`, `.run_button`, `.output`, `.run()`), and
    `.result`: what the last run produced (None after an error)."""

    def __init__(self, editor: GoEditor, button: widgets.Button, output: widgets.HTML):
        super().__init__([editor, button, output])
        self.editor, self.run_button, self.output = editor, button, output
        self.result: Any = None

    @property
    def code(self) -> str:
        """The Go text in the editor now."""
        return self.editor.code


def editor_box(
    source: str,
    *,
    on_run: Callable[[str], tuple[str, Sequence[dict], Any]],
    button_text: str = "Run the compiler",
    height: int = 420,
    waiting: str = "",
    label: str = "Go source code",
) -> EditorBox:
    """An EditorBox whose Run (button or Ctrl-Enter) calls `on_run(code)`, which returns the
    output HTML, the marks to paint and a result kept as `box.result`; an exception it raises
    is shown (its diagnostics marked on their lines), not raised. Until the first run the
    output says how to run (`waiting`, by default naming the button); a handout, where
    nothing can run, leaves that line out (class `gml-live-only`, see `gomemlab.snapshot`).
    `label` names the editable area for screen readers."""
    editor = GoEditor(code=source, height=height, label=label)
    button = widgets.Button(
        description=button_text,
        button_style="primary",
        icon="play",
        tooltip=f"{button_text}: compile the code in the editor (Ctrl-Enter there does the same)",
    )
    waiting = waiting or (
        f"Press {button_text} (or Ctrl-Enter in the editor). Tab indents in the editor; "
        "Escape, then Tab, moves on to the button."
    )
    output = widgets.HTML(value=f"<i>{html.escape(waiting)}</i>")
    output.add_class(LIVE_ONLY)
    box = EditorBox(editor, button, output)

    def run(_event: Any = None) -> None:
        output.remove_class(LIVE_ONLY)
        output.value = "<i>compiling…</i>"
        box.result = None
        try:
            shown, marks, box.result = on_run(editor.code)
        except Exception as error:  # shown to the learner, never raised into the widget
            shown = (
                error._repr_html_()
                if hasattr(error, "_repr_html_")
                else (f"<pre>{html.escape(f'{type(error).__name__}: {error}')}</pre>")
            )
            marks = [
                {"line": d.line, "kind": "error", "message": d.message}
                for d in getattr(error, "diagnostics", ())
            ]
        output.value = shown
        editor.marks = list(marks)

    button.on_click(run)
    editor.observe(lambda change: run(), names="runs")
    box.run = run
    return box
