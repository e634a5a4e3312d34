"""gosource: Go's own go/parser (the _goast helper) on real sample files and on broken Go."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomemlab import gosource, toolchain, workspace
from gomemlab.errors import UsageError, WorkspaceError

pytestmark = pytest.mark.live

GENERIC = textwrap.dedent("""\
    package p

    // Pair holds two values.
    type Pair[K comparable, V any] struct {
    \tKey K
    \tVal V
    }

    // Swap returns the pair reversed.
    //
    //go:noinline
    func (p *Pair[K, V]) Swap() (V, K) {
    \treturn p.Val, p.Key
    }

    func (p Pair[K, V]) First() K { return p.Key }

    const (
    \t// A is one.
    \tA = 1
    \tB, C = 2, 3
    )

    var x, y int

    func outer() func() int {
    \tn := 0
    \treturn func() int {
    \t\tf := func() {}
    \t\tf()
    \t\tn++
    \t\treturn n
    \t}
    }

    //go:linkname nanotime runtime.nanotime
    func nanotime() int64
    """)


def test_every_sample_function_is_found_with_its_span():
    root = workspace.samples_root()
    files = sorted(root.glob("*/*.go"))
    assert len(files) > 10
    for path in files:
        text = path.read_text()
        lines = text.splitlines()
        found = {d.qualified: d for d in gosource.declarations(path)}
        # every top-level func the file declares is there, and its span starts on its line
        for match in re.finditer(r"^func (?:\((?:\w+ )?(\*?\w+)\) )?(\w+)", text, re.M):
            receiver, name = match.groups()
            qualified = (
                f"({receiver}).{name}"
                if receiver and receiver.startswith("*")
                else f"{receiver}.{name}"
                if receiver
                else name
            )
            declaration = found[qualified]
            line = text.count("\n", 0, match.start()) + 1
            assert declaration.span.line == line, (path, qualified)
            assert declaration.body is not None
            assert lines[declaration.body.end_line - 1].rstrip().endswith("}")
            assert declaration.doc_line <= line


def test_kinds_receivers_docs_and_literals(tmp_path):
    path = tmp_path / "p.go"
    path.write_text(GENERIC)
    found = {d.qualified: d for d in gosource.declarations(path)}
    assert set(found) == {
        "Pair",
        "(*Pair).Swap",
        "Pair.First",
        "A",
        "B",
        "C",
        "x",
        "y",
        "outer",
        "nanotime",
    }
    assert [found[n].kind for n in ("Pair", "A", "x", "outer", "Pair.First")] == [
        "type",
        "const",
        "var",
        "func",
        "method",
    ]
    swap = found["(*Pair).Swap"]
    assert (swap.receiver, swap.doc_line, swap.span.line, swap.span.end_line) == (
        "*Pair",
        9,
        12,
        14,
    )
    assert found["A"].doc_line == 19 and found["A"].span.line == 20
    assert found["nanotime"].body is None
    literals = gosource.go_file(path).literals
    assert [(s.line, s.end_line) for s in literals] == [(28, 33), (29, 29)]
    assert literals[0].contains(30, 3) and not literals[0].contains(28, 1)
    assert gosource.extract(path, "Swap") == "\n".join(GENERIC.splitlines()[8:14])
    assert gosource.extract(path, "Pair.Swap") == gosource.extract(path, "(*Pair).Swap")


def test_extract_from_a_topic_and_from_text():
    text = gosource.extract("escape", "returnPointer")
    assert text.startswith("//go:noinline\nfunc returnPointer() *user {")
    assert text.endswith("}")
    assert gosource.extract_text(GENERIC, "First") == (
        "func (p Pair[K, V]) First() K { return p.Key }"
    )
    with pytest.raises(WorkspaceError, match="no func, method, type, var or const called"):
        gosource.extract("escape", "noSuchFunction")


def test_a_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.go"
    path.write_text("package p\n\nfunc F( {\n}\n")
    with pytest.raises(WorkspaceError, match=r"broken\.go:3:9: expected '\)'"):
        gosource.declarations(path)
    with pytest.raises(WorkspaceError, match=r"line 1:1: expected 'package'"):
        gosource.declarations_in("func F() {}\n")


def test_misuse_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not bytes"):
        gosource.declarations_in(b"package p\n")
    with pytest.raises(UsageError, match="name must be"):
        gosource.extract("escape", "")
    with pytest.raises(UsageError, match="target must be"):
        gosource.declarations(42)
    with pytest.raises(WorkspaceError, match="no Go file"):
        gosource.declarations(tmp_path / "missing.go")


def test_results_are_cached_until_the_file_changes(tmp_path, monkeypatch):
    path = tmp_path / "c.go"
    path.write_text("package c\n\nfunc A() {}\n")
    assert [d.name for d in gosource.declarations(path)] == ["A"]
    calls = []
    real = toolchain.run
    monkeypatch.setattr(toolchain, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert [d.name for d in gosource.declarations(path)] == ["A"]
    assert calls == []
    path.write_text("package c\n\nfunc A() {}\n\nfunc Bb() {}\n")
    assert [d.name for d in gosource.declarations(path)] == ["A", "Bb"]
    assert len(calls) == 1


def test_concurrent_first_builds_share_one_binary(tmp_path):
    """Two fresh processes build the reader into an empty scratch at once: both get it."""
    env = {**os.environ, "GOMEMLAB_SCRATCH": str(tmp_path)}
    code = (
        "from gomemlab import gosource; "
        "print(len(gosource.declarations('escape')), gosource.tool())"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    assert len({out for out, _ in outputs}) == 1
    assert list((tmp_path / "tools").glob("goast-*/goast*")) != []


@settings(max_examples=25, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('package p func(){}[]"`/*\n\tabxy:=;,.')), max_size=80)
)
def test_garbage_parses_or_names_the_error(text):
    try:
        found = gosource.declarations_in("package p\n" + text)
    except WorkspaceError as error:
        assert re.search(r"line \d+:\d+: ", str(error))
    else:
        assert all(d.kind in gosource.DECLARATION_KINDS for d in found)
