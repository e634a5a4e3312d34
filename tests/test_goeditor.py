"""The bundled Go editor: built from its committed source, and wired to Python."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from gomemlab import goeditor

ROOT = Path(__file__).resolve().parents[1]


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_editor", ROOT / "scripts" / "build_editor.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_editor"] = module
    spec.loader.exec_module(module)
    return module


def test_the_bundle_is_built_from_the_committed_source():
    build = _build_script()
    assert build.STAMP.read_text().strip() == build.source_digest(), (
        "js/go-editor changed: rebuild with `python scripts/build_editor.py`"
    )
    bundle = goeditor.BUNDLE.read_text()
    assert "export" in bundle and "https://" not in bundle.split("/*!")[0][:2000]
    assert 200_000 < len(bundle) < 1_000_000


def test_run_paints_marks_and_shows_output():
    seen = []

    def on_run(code):
        seen.append(code)
        return "<b>ok</b>", [{"line": 2, "kind": "heap", "message": "moved to heap: x"}], 7

    box = goeditor.editor_box("package main\n", on_run=on_run)
    box.editor.code = "package main\n\nfunc main() {}\n"
    box.run_button.click()
    assert seen == ["package main\n\nfunc main() {}\n"]
    assert box.output.value == "<b>ok</b>" and box.result == 7
    assert box.editor.marks == [{"line": 2, "kind": "heap", "message": "moved to heap: x"}]
    box.editor.runs += 1  # Ctrl-Enter in the editor
    assert len(seen) == 2


def test_an_error_is_shown_with_its_lines_marked():
    from gomemlab.errors import Diagnostic, GoBuildError

    def on_run(code):
        raise GoBuildError([Diagnostic("main.go", 3, 5, "undefined: y")])

    box = goeditor.editor_box("package main\n", on_run=on_run)
    box.run()
    assert "undefined: y" in box.output.value and box.result is None
    assert box.editor.marks == [{"line": 3, "kind": "error", "message": "undefined: y"}]


def test_a_handout_shows_the_code_and_the_last_output():
    box = goeditor.editor_box(
        "package main\n\nfunc main() {}\n", on_run=lambda code: ("<p>verdicts</p>", [], None)
    )
    box.run()
    from gomemlab.snapshot import mimebundle

    bundle, _ = mimebundle(box)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "func" in bundle["text/html"] and "<p>verdicts</p>" in bundle["text/html"]


def test_the_waiting_line_names_the_button_and_a_handout_leaves_it_out():
    from gomemlab.snapshot import static_html

    box = goeditor.editor_box("package main\n", on_run=lambda code: ("<p>ran</p>", [], None))
    assert f"Press {box.run_button.description} (or Ctrl-Enter" in box.output.value
    assert "Escape, then Tab" in box.output.value  # how the keyboard leaves the editor
    picture = static_html(box)
    assert "package" in picture and "Press" not in picture  # no button in a handout
    box.run()
    assert "<p>ran</p>" in static_html(box)
