"""Compile and vet diagnostics parsed from recorded toolchain output."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gomemlab.diagnostics import parse_diagnostics
from gomemlab.errors import Diagnostic, GoBuildError

# The main.go that produced fixtures/toolchain/build_errors.stderr:
#   package main
#   import "fmt"
#   func main() {
#       x := 1
#       fmt.Println(y)
#       var s string = 3
#       for i := range 3 {
#       }
#   }


def test_build_errors_fixture(fixture_text):
    found = parse_diagnostics(fixture_text("toolchain/build_errors.stderr"))
    assert [(d.file, d.line, d.col) for d in found] == [
        ("main.go", 6, 2),
        ("main.go", 7, 14),
        ("main.go", 8, 6),
        ("main.go", 8, 17),
        ("main.go", 9, 6),
    ]
    assert found[1].message == "undefined: y"
    assert found[3].message.startswith("cannot use 3 (untyped int constant) as string value")


def test_vet_fixture(fixture_text):
    (found,) = parse_diagnostics(fixture_text("toolchain/vet_errors.stderr"))
    assert found == Diagnostic(
        "main.go", 6, 14, 'fmt.Printf format %d has arg "text" of wrong type string'
    )


def test_prefix_stripped_and_continuation_joined():
    text = "/tmp/mod/pkg/a.go:3:1: first\n\tmore detail\nvet: ./b.go:9: no column\n# header line\n"
    first, second = parse_diagnostics(text, strip_prefix="/tmp/mod")
    assert first == Diagnostic("pkg/a.go", 3, 1, "first\nmore detail")
    assert second == Diagnostic("b.go", 9, None, "no column")


def test_build_error_renders_a_table():
    error = GoBuildError([Diagnostic("main.go", 4, 2, "undefined: <y>")])
    page = error._repr_html_()
    assert "<table>" in page and "main.go" in page and "&lt;y&gt;" in page
    assert "main.go:4:2: undefined: <y>" in str(error)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_to_diagnostics_or_nothing(text):
    for found in parse_diagnostics(text):
        assert found.line >= 0 and found.file
