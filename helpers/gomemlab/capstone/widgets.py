"""The capstone in the course's Go editor: the learner's aggregate.go, saved and checked by one
button (or Ctrl-Enter). The file is written atomically before each check, so the editor, the
learner's own editor and `gomemlab capstone check` always see one whole version."""

from __future__ import annotations

import html
from pathlib import Path

from .. import files, validate
from ..goeditor import EditorBox, editor_box
from .run import SOURCE_FILE


def editor(folder: Path, *, rows: int = 30) -> EditorBox:
    """An editor on `folder`/aggregate.go whose run saves the file and checks the folder; the
    box's `.result` is the last CapstoneCheck (None after an error, shown in its place)."""
    from . import check

    rows = validate.count(rows, "rows", minimum=5, maximum=400)
    path = folder / SOURCE_FILE
    try:
        source = path.read_text()
    except OSError as error:
        raise files.unreadable(path, error, "your capstone copy") from None

    def save_and_check(code: str):
        files.write_atomic(path, code, what="your aggregate.go")
        box.output.value = "<i>saved; checking (about 15 s on a quiet machine)…</i>"

        def progress(step: str) -> None:
            if step:
                box.output.value = f"<i>⏳ capstone check: {html.escape(step)}…</i>"

        result = check(folder, progress=progress)
        return result._repr_html_(), [], result

    box = editor_box(
        source,
        on_run=save_and_check,
        button_text="Save and check",
        height=22 * rows,
        label=f"Your capstone: {path}",
    )
    return box
