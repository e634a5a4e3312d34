"""Which function each message sits in, from recorded go/parser JSON (no Go needed).

Fixtures (see fixtures/escape/README.md): `gallery_m2.txt` is the compiler's -m=2 output for
the sample, `gallery_go.src` the gallery.go it was made from, and `gallery_goast.json` what
the goast helper printed for that file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemlab import gosource
from gomemlab.errors import WorkspaceError
from gomemlab.escape import EscapeReport
from gomemlab.escape.functions import innermost, locate
from gomemlab.escape.parse import parse_output

FIXTURES = Path(__file__).parent / "fixtures" / "escape"
GALLERY = "escape/gallery.go"


@pytest.fixture(scope="module")
def located():
    output = parse_output((FIXTURES / "gallery_m2.txt").read_text())
    (go_file,) = gosource.parse_json((FIXTURES / "gallery_goast.json").read_text())
    messages, spans = locate(output.messages, {GALLERY: go_file})
    report = EscapeReport(
        messages,
        skipped=output.skipped,
        packages=output.packages,
        sources={GALLERY: (FIXTURES / "gallery_go.src").read_text()},
        spans=spans,
    )
    return output, report


def test_spans_name_functions_methods_and_closures(located):
    _, report = located
    names = report.functions()
    assert {
        "returnPointer",
        "file.Read",
        "counter",
        "counter.func1",
        "sumWithClosure.func1",
    } <= set(names)
    spans = {s.name: s for s in report.spans[GALLERY]}
    outer, closure = spans["counter"], spans["counter.func1"]
    assert outer.start < closure.start and closure.end <= outer.end
    # the closure value itself (at its `func` keyword) belongs to the enclosing function
    assert innermost(report.spans[GALLERY], closure.start, closure.col).name == "counter"
    assert innermost(report.spans[GALLERY], closure.start, closure.col + 1).name == (
        "counter.func1"
    )


def test_messages_are_placed_in_the_function_holding_them(located):
    output, report = located
    assert [m.kind for m in report.about("func literal", function="counter")] == ["escapes_to_heap"]
    assert report.about(function="counter.func1", kinds=("can_inline",))
    assert (
        report.expect_heap("u", function="returnPointer")
        .message("u", function="returnPointer")
        .line
        == 30
    )
    # every located message lies inside the span of the function it is given
    spans = {s.name: s for s in report.spans[GALLERY]}
    for message in report.about(file=GALLERY):
        span = spans.get(message.function)
        if (
            span is not None
            and message.line is not None
            and message.kind in ("moved_to_heap", "escapes_to_heap", "does_not_escape")
        ):
            assert span.start <= message.line <= span.end, message
    assert len(report) == len(output.messages)


def test_function_source_keeps_the_directives(located):
    _, report = located
    text = report.function_source("counter")
    assert text.startswith("//go:noinline\nfunc counter() func() int {")
    assert text.endswith("}")


def test_a_leak_into_storage_names_its_function():
    """`parameter name leaks to {storage for &user{...}} for newUser`: the function is the
    last `for F`, not the one inside the braces."""
    output = parse_output((FIXTURES / "gallery_m2.txt").read_text())
    leaks = [m for m in output.messages if m.kind == "leaking_param" and m.subject == "name"]
    assert {m.function for m in leaks} == {"newUser", "newUserNoInline"}


def test_goast_syntax_errors_and_bad_json_are_workspace_errors():
    with pytest.raises(WorkspaceError, match=r"broken\.go:3:9: expected '\)', found '\{'"):
        gosource.parse_json((FIXTURES / "goast_broken.json").read_text())
    with pytest.raises(WorkspaceError, match="line 3:9"):
        gosource.parse_json((FIXTURES / "goast_broken.json").read_text(), label="the cell")
    with pytest.raises(WorkspaceError, match="no JSON"):
        gosource.parse_json("not json")
