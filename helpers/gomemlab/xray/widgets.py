"""The x-ray in the Go editor: type Go, press Run, and each line's gutter mark says what the
compiler decided there and what share of the profile's bytes it allocated (details on hover,
or under the editor with the cursor on the line)."""

from __future__ import annotations

from .. import validate
from .report import CSS, XRAY_CSS, benchmarks_html, summary_html, why
from .run import run

STARTER = """package main

type point struct{ x, y int }

//go:noinline
func newPoint(n int) *point {
	p := point{n, n}
	return &p
}

//go:noinline
func buffer(n int) int {
	buf := make([]byte, n)
	return len(buf)
}

func main() { println(newPoint(1).x, buffer(8)) }
"""

STARTER_TEST = """package main

import "testing"

var sink any

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = newPoint(i)
		sink = buffer(64)
	}
}
"""


def share(part: int, total: int) -> str:
    """`part` as a whole percentage of `total` for a gutter mark: "62%", "<1%" for a small
    nonzero share, "" for none."""
    if part <= 0 or total <= 0:
        return ""
    percent = round(100 * part / total)
    return f"{percent}%" if percent >= 1 else "<1%"


def marks(xray, file: str = "main.go") -> list[dict]:
    """One gutter mark per line of `file` the compiler or the profile spoke of: its `kind`
    (the verdict: heap, leak, stack; heap for a line that allocates without one), its `label`
    in the gutter (the verdict, "alloc" without one, and the line's share of the bytes the
    profile recorded: "heap 62%") and, on hover or with the cursor on the line, its
    `message`: the line's why, then the compiler's own words."""
    found = []
    for row in xray.lines:
        allocated = row.flat_bytes + row.inlined_bytes
        kind = row.verdict or ("heap" if row.flat_objects or row.inlined_objects else "")
        if row.file != file or not kind:
            continue
        said = [m.message for m in row.messages if m.category != "inline"]
        text = "\n".join(filter(None, [why(row, xray.total_bytes), *said]))
        label = " ".join(filter(None, [row.verdict or "alloc", share(allocated, xray.total_bytes)]))
        found.append({"line": row.line, "kind": kind, "label": label, "message": text})
    return found


def editor(
    source: str = STARTER,
    tests: str = STARTER_TEST,
    *,
    bench: str = ".",
    benchtime: str | None = None,
    rows: int = 18,
):
    """A Go editor whose Run x-rays the code: `source` is main.go (what the learner edits),
    `tests` a fixed main_test.go holding the benchmarks `bench` selects. Scratch only (a
    snippet module). The box's `.result` is the last XRay (None after an error)."""
    from ..goeditor import editor_box

    validate.text(source, "source")
    validate.text(tests, "tests")
    validate.pattern(bench, "bench")
    rows = validate.count(rows, "rows", maximum=200)

    def xray_it(code: str):
        found = run({"main.go": code, "main_test.go": tests}, bench=bench, benchtime=benchtime)
        shown = (
            f'{CSS}{XRAY_CSS}<div class="gml-esc">{summary_html(found)}'
            f"{benchmarks_html(found)}</div>"
        )
        return shown, marks(found), found

    return editor_box(source, on_run=xray_it, button_text="X-ray it", height=22 * rows)
