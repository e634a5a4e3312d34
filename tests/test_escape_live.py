"""Escape analysis on the real Go toolchain: the sample, a snippet, the stdlib, the widget."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import gomemlab as gm
from gomemlab import Verdict, toolchain
from gomemlab.errors import GoBuildError, UsageError
from gomemlab.escape import EscapeReport, analyze, check_no_heap, editor, parse

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def sample():
    return analyze("escape")


def test_gallery_verdicts_on_this_go(sample):
    gallery = sample.only(file="escape/gallery.go")
    heap = {
        "returnPointer": "u",
        "storeThroughPointer": "i2",
        "counter": "n",
        "explicitOverLimit": "buf",
        "appendPointer": "v",
        "storeInMap": "v",
        "sendPointer": "v",
        "decodeValue": "u",
    }
    for function, subject in heap.items():
        gallery.expect_heap(subject, function=function)
    for function, subject in {
        "returnValue": "u",
        "storeInValue": "i1",
        "sumWithClosure": "total",
        "explicitAtLimit": "buf",
    }.items():
        gallery.expect_stack(subject, function=function)
    gallery.expect_heap("f", function="passInterface")
    gallery.expect_stack("f", function="passInterfaceInlined")
    gallery.expect_stack("make([]byte, n)", function="makeVariable")
    gallery.expect_stack("make([]byte, 65536)", function="implicitAtLimit")
    gallery.expect_heap("make([]byte, 65537)", function="implicitOverLimit")
    gallery.expect_heap("n", function="printNumber")
    gallery.expect_stack("&user{...}", function="ageInlined")
    gallery.expect_inlined("newUser", function="ageInlined")


def test_functions_come_from_the_source(sample):
    # a closure's own messages belong to it, the closure value to the enclosing function
    literal = sample.about("func literal", function="counter")
    assert [m.kind for m in literal] == ["escapes_to_heap"]
    assert sample.about(function="counter.func1", kinds=("can_inline",))
    assert "return &u" in sample.function_source("returnPointer")


def test_claim_check_quotes_the_compiler(sample):
    with pytest.raises(AssertionError, match="moved to heap: i2"):
        sample.expect_stack("i2", function="storeThroughPointer")
    with pytest.raises(AssertionError, match="f does not escape"):
        sample.expect_heap("f", function="passInterfaceInlined")
    with pytest.raises(AssertionError, match="no verdict"):
        sample.expect_stack("nosuchname", function="returnValue")


def test_listing_and_plot(sample, tmp_path):
    html = sample.only(file="escape/gallery.go")._repr_html_()
    assert "moved to heap: u" in html and "<details>" in html and "▲ heap" in html
    assert "● stack" in html and "◆ leak" in html
    figure = sample.plot()
    assert isinstance(figure, Figure)
    figure.savefig(tmp_path / "plot.png")
    assert figure.axes[0].get_title().startswith("Where does")


def test_snippet_and_level_one():
    source = "package p\n\nfunc F() *int {\n\tx := 1\n\treturn &x\n}\n"
    report = analyze(source, level=1)
    report.expect_heap("x", line=4, function="F")
    assert not report.about("x")[0].flow
    assert report.provenance.shell == "go build -gcflags=-m ."  # a library: no -o
    program = analyze("package main\n\nfunc main() {\n\tx := 1\n\tprintln(&x)\n}\n")
    assert program.provenance.shell == "go build -gcflags=-m=2 -o .escape/m2/out ."
    # no package clause: one is added on line 1, so line numbers do not move
    bare = analyze("func G() *int {\n\ty := 2\n\treturn &y\n}\n")
    bare.expect_heap("y", line=2, function="G")


def test_compile_error_is_a_build_error():
    with pytest.raises(GoBuildError) as caught:
        analyze("package p\n\nfunc F() int { return undefinedName }\n")
    assert "undefinedName" in str(caught.value)
    assert "<table>" in caught.value._repr_html_()


def test_tests_mode_has_no_testmain():
    report = analyze("escape", tests=True, level=1)
    assert any(m.file.endswith("main_test.go") for m in report)
    assert not any("_testmain" in m.file for m in report)


def test_stdlib_every_line_accounted_for(tmp_path):
    done = toolchain.go("build", "-gcflags=-m=2", "encoding/json", cwd=tmp_path).check_build()
    text = done.stderr + done.stdout
    from gomemlab.escape.parse import parse_output

    output = parse_output(text)
    used = sorted(
        [n for m in output.messages for n in m.line_numbers] + [n for n, _, _ in output.skipped]
    )
    assert used == list(range(1, len(text.splitlines()) + 1))
    report = parse(text)
    assert len(report) > 300
    assert report.counts().get("other", 0) <= 0.01 * len(report)
    # the Go <= 1.12 "F x does not escape" rule must not split today's subjects
    assert all(
        m.message == f"{m.subject} does not escape"
        for m in report
        if m.kind == "does_not_escape" and "mutate" not in m.message
    )


def test_editor_widget_runs_and_shows_errors():
    box = editor()
    box.run_button.click()
    assert box.result is not None and "moved to heap: p" in box.output.value
    assert any(m["kind"] == "heap" and "moved to heap: p" in m["message"] for m in box.editor.marks)
    box.editor.code = "package main\n\nfunc main() { undefinedName() }\n"
    box.editor.runs += 1  # Ctrl-Enter in the editor
    assert box.result is None and "GoBuildError" in box.output.value
    assert box.editor.marks == [{"line": 3, "kind": "error", "message": "undefined: undefinedName"}]


def test_exercise_check_gives_verdicts():
    bad = "package p\n\nfunc F() *int {\n\tx := 1\n\treturn &x\n}\n"
    good = "package p\n\nfunc F() int {\n\tx := 1\n\treturn x\n}\n"
    wrong = check_no_heap(bad, "F")
    assert isinstance(wrong, Verdict) and not wrong
    assert "line 4: moved to heap: x" in wrong.message
    assert wrong.evidence["heap"][0].kind == "moved_to_heap"
    right = check_no_heap(good, "F")
    assert right and str(right).startswith("✔ solved")
    assert isinstance(right.evidence["report"], EscapeReport)
    gone = check_no_heap("package p\n", "F")
    assert not gone and "no function F" in gone.message
    broken = check_no_heap("package p\n\nfunc F() int { return undefinedName }\n", "F")
    assert not broken and "does not compile" in broken.message
    assert "undefinedName" in broken.message
    with pytest.raises(UsageError, match="function must be"):
        check_no_heap(good, "")


def test_misuse_is_a_usage_error_naming_the_argument():
    with pytest.raises(UsageError, match="level must be one of 1, 2"):
        analyze("escape", level=3)
    with pytest.raises(UsageError, match="timeout must be a number > 0"):
        analyze("escape", timeout=0)
    with pytest.raises(UsageError, match="tests must be one of"):
        analyze("escape", tests="yes")
    with pytest.raises(UsageError, match="target must be"):
        analyze(42)
    with pytest.raises(UsageError, match="decode it first"):
        analyze(b"package p\n")
    with pytest.raises(UsageError, match="file must be one of"):
        analyze("escape", level=1).listing(file="nope.go")
    with pytest.raises(UsageError, match="source must be text"):
        editor(b"package main")


def test_provenance_and_frozen_report(sample):
    assert sample.provenance.command[1:3] == ("build", "-gcflags=-m=2")
    assert sample.provenance.release.startswith("1.27")
    assert sample.provenance.build_seconds > 0
    shell = sample.provenance.shell
    assert shell.startswith("go build -gcflags=-m=2 -o ") and shell.endswith(" ./escape")
    assert "…/scratch/escape/escape-m2/out" in shell
    assert any(str(f).endswith("gallery.go") for f in sample.provenance.files)
    with pytest.raises(AttributeError):
        sample.label = "other"
    assert "Go 1.27" in sample._repr_html_()


def test_function_spans_come_from_go_parser(sample):
    spans = {s.name: s for s in sample.spans["escape/gallery.go"]}
    counter, closure = spans["counter"], spans["counter.func1"]
    assert counter.start < closure.start <= closure.end < counter.end
    assert counter.doc_line < counter.start  # the //go:noinline directive
    assert sample.function_source("counter").startswith("//go:noinline\nfunc counter()")
    assert "file.Read" in spans


def test_plot_kinds(sample):
    by_kind = sample.plot(kind="kinds")
    assert isinstance(by_kind, Figure)
    assert by_kind.axes[0].get_title().startswith("What did the compiler decide?")
    labels = [t.get_text() for t in by_kind.axes[0].get_yticklabels()]
    assert "moved to heap" in labels


def test_lazy_attribute():
    assert gm.escape.analyze is analyze


def test_repeated_analysis_replays_the_messages():
    """A warm rebuild must still report: the build cache replays the compiler's messages."""
    library = "package lib\n\nfunc F() *int {\n\tx := 1\n\treturn &x\n}\n"
    for _ in range(2):
        analyze(library, level=1).expect_heap("x", function="F")
        assert analyze("escape", level=1).about("u", function="returnPointer")


def test_a_changed_file_is_read_again():
    """The warm path reuses the parse of unchanged output and files, and only those."""
    copy = gm.scratch_copy("escape")
    first = analyze(copy, level=1)
    again = analyze(copy, level=1)
    assert again.messages is first.messages  # the same replayed output: parsed once
    gallery = copy.dir / "gallery.go"
    gallery.write_text(
        gallery.read_text() + "\nfunc addedLater() *int {\n\tz := 3\n\treturn &z\n}\n"
    )
    changed = analyze(copy, level=1)
    changed.expect_heap("z", function="addedLater")
    assert "addedLater" in changed.functions() and "addedLater" not in first.functions()
