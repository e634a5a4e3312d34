"""The x-ray in words and HTML: the note where "does not escape" still allocates, a one-sentence
"why" per line made from the data, the annotated listing (the escape listing, grown) and a
standalone page for `gomemlab xray`."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from ..escape.listing import CSS, chip, legend, message_html
from .join import XRayLine

if TYPE_CHECKING:
    from .result import XRay

CITED = {
    "variable_make": ("cmd/compile/internal/base/flag.go", 190, "VariableMakeThreshold = 32"),
    "variable_make_walk": (
        "cmd/compile/internal/walk/builtin.go",
        485,
        "maxStackSize := int64(base.Debug.VariableMakeThreshold)",
    ),
    "implicit_limit": (
        "cmd/compile/internal/ir/cfg.go",
        19,
        "MaxImplicitStackVarSize = int64(64 * 1024)",
    ),
    "implicit_check": (
        "cmd/compile/internal/escape/utils.go",
        237,
        "ir.Int64Val(r) > ir.MaxImplicitStackVarSize/elem.Size()",
    ),
    "string_buffer": ("runtime/string.go", 20, "const tmpStringBufSize = 32"),
    "map_group": (
        "cmd/compile/internal/walk/builtin.go",
        374,
        "constant.MakeInt64(abi.MapGroupSlots)",
    ),
}
"""The Go 1.27.3 sources the notes rest on: (file under $GOROOT/src, line, text on that line);
a test reads each from the pinned toolchain."""


def size(value: int) -> str:
    """Bytes as `go tool pprof` prints them (measurement.ScaledLabel): 416B, 1.20kB, 10.16MB."""
    scaled, unit = float(value), 0
    while abs(scaled) >= 1024 and unit < 4:
        scaled, unit = scaled / 1024, unit + 1
    return f"{scaled:.2f}".removesuffix(".00") + ("B", "kB", "MB", "GB", "TB")[unit]


def _cite(key: str) -> str:
    path, line, _ = CITED[key]
    return f"{path}:{line}"


_VARIABLE_MAKE = re.compile(r"make\(\[\][^,]+,\s*([^)]+)\)")
_CONVERSION = re.compile(r"(?:^|\W)(?:string|\[\]byte|\[\]rune)\(|\+")


def note(line: XRayLine) -> str:
    """Why a line the compiler says "does not escape" about still allocates ("" when it does
    not, or when the compiler also sent something on that line to the heap)."""
    if line.verdict != "stack" or not (line.flat_objects or line.inlined_objects):
        return ""
    subjects = [m.subject for m in line.messages if m.kind == "does_not_escape"]
    for subject in subjects:
        sized = _VARIABLE_MAKE.match(subject)
        if sized and not sized.group(1).strip().split(",")[-1].strip().isdigit():
            return (
                f"`{subject}` does not escape, yet allocates: a make of variable size keeps at "
                "most 32 bytes on the stack (VariableMakeThreshold, "
                f"{_cite('variable_make')}, used at {_cite('variable_make_walk')}); a larger "
                "size is made on the heap at run time (Go 1.25 and later; before, every "
                "variable-size make escaped)"
            )
        if subject.startswith("make(map["):
            return (
                f"`{subject}` does not escape, yet allocates: the map's header stays on the "
                "stack, with room for one group of 8 slots when the hint is at most 8 "
                f"({_cite('map_group')}); a larger table is allocated by the runtime"
            )
        if _CONVERSION.search(subject):
            return (
                f"`{subject}` does not escape, yet allocates: the result uses a 32-byte buffer "
                f"on the stack ({_cite('string_buffer')}); a longer one is made on the heap"
            )
    said = ", ".join(f"`{s}`" for s in subjects) or "a value on this line"
    return (
        f"{said} does not escape, yet this line allocates: the runtime allocates on the "
        "line's behalf (e.g. a slice's growth by append, or storage sized at run time)"
    )


def _reason(line: XRayLine) -> str:
    """The last `(reason)` of the heap verdict's flow, e.g. "return", "too large for stack"."""
    for message in [*line.messages, *(m for m, _ in line.inlined_here)]:
        if message.category == "heap":
            reasons = [note.why for e in message.explanations for s in e.steps for note in s.notes]
            if reasons:
                return reasons[-1]
    return ""


def _verdict_words(line: XRayLine) -> str:
    """What the compiler decided about this line, in a clause ("" when nothing)."""
    if line.verdict == "heap":
        away = {id(m) for m, _ in line.moved_out}
        mine = [m for m in line.messages if id(m) not in away]
        heap = next(m for m in [*mine, *(m for m, _ in line.inlined_here)] if m.category == "heap")
        reason = _reason(line)
        return f"The compiler sends `{heap.subject}` to the heap" + (
            f" ({reason})" if reason else ""
        )
    return note(line)


def _cost_words(line: XRayLine, total_bytes: int) -> str:
    """What the profile recorded for this line, in a clause."""
    said = []
    if line.flat_objects:
        part = line.flat_bytes / total_bytes if total_bytes else 0.0
        percent = "<1%" if part > 0 and round(100 * part) < 1 else f"{round(100 * part)}%"
        share = f", {percent} of the profile" if total_bytes else ""
        said.append(f"{line.flat_objects:,} objects, {size(line.flat_bytes)} here{share}")
        callers = sorted({c for cost in line.costs if cost.flat_objects for c in cost.inlined_into})
        if callers:
            said.append(f"counted here though inlined into {', '.join(callers)}")
    if line.inlined_objects:
        calls = ", ".join(line.inlined_calls) or "a callee"
        said.append(
            f"code inlined here from {calls} allocates {line.inlined_objects:,} objects, "
            f"{size(line.inlined_bytes)} (pprof -list counts them at the callee's own line)"
        )
    if not said and line.cum_objects:
        said.append(
            f"allocates nothing itself; the calls on this line allocate {line.cum_objects:,} "
            f"objects, {size(line.cum_bytes)}"
        )
    said += [
        f"`{m.subject}`'s heap verdict printed here is about code inlined from {at[0]}:{at[1]},"
        " where the profile counts it"
        for m, at in line.moved_out
        if m.category == "heap"
    ]
    return "; ".join(said)


def why(line: XRayLine, total_bytes: int = 0) -> str:
    """One sentence: what this line allocates and why, from the compiler and the profile
    ("" when neither says anything worth a sentence)."""
    verdict, cost = _verdict_words(line), _cost_words(line, total_bytes)
    if verdict and cost:
        return f"{verdict}: {cost}."
    if verdict and line.verdict == "heap":
        return f"{verdict}; the profile saw no allocation here."
    if cost and (line.flat_objects or line.inlined_objects):
        return (
            "No escape verdict here: the runtime allocates for this line (append growth, a "
            f"conversion, a map insert): {cost}."
        )
    return f"{cost[0].upper()}{cost[1:]}." if cost else ""


# --- HTML -----------------------------------------------------------------------------------

XRAY_CSS = """
<style>
.gml-esc td.num{font-family:var(--jp-code-font-family,monospace);text-align:right!important;
 white-space:nowrap;color:#1a1a1a}
.gml-esc td.note{color:#5c3b00;font-size:12px}
.gml-esc ol.why li{margin:.2em 0}
</style>
"""


def _money(objects: int, space: int) -> str:
    return f"{objects:,} · {size(space)}" if objects else ""


def listing_html(xray: XRay, file: str) -> str:
    """One file as a table: line, code, flat objects · bytes, cum, what the compiler said."""
    by_line = {row.line: row for row in xray.lines if row.file == file}
    if not by_line:
        return ""
    source = xray.escape.sources[file].splitlines()
    rows = []
    spans = xray.escape.spans.get(file, ())
    keep = {
        n
        for s in spans
        if any(s.start <= n <= s.end for n in by_line)
        for n in range(s.start, s.end + 1)
    }
    keep |= set(by_line)
    for number, code in enumerate(source, start=1):
        if number not in keep:
            continue
        row = by_line.get(number)
        said = ""
        flat = cum = ""
        if row is not None:
            said = "".join(message_html(m) for m in row.messages if m.category != "inline")
            calls = row.inlined_calls
            if calls:
                said += f"<div>{chip('inline')} inlined here: {html.escape(', '.join(calls))}</div>"
            for message, at in row.inlined_here:
                where = f"{at[0]}:{at[1]}"
                said += (
                    f"<div>{chip(message.category)} inlined at {html.escape(where)}: "
                    f"{html.escape(message.message)}</div>"
                )
            if text := note(row):
                said += f'<div class="note">{html.escape(text)}</div>'
            flat = _money(row.flat_objects, row.flat_bytes)
            cum = _money(row.cum_objects, row.cum_bytes)
        rows.append(
            f'<tr><td class="no">{number}</td><td class="num">{flat}</td>'
            f'<td class="num">{cum}</td><td class="code">{html.escape(code)}</td>'
            f'<td class="says">{said}</td></tr>'
        )
    head = (
        '<tr><th scope="col">line</th><th scope="col">flat objects · bytes</th>'
        '<th scope="col">cum</th><th scope="col">code</th>'
        '<th scope="col">the compiler says</th></tr>'
    )
    return (
        f'<div class="meta"><b>{html.escape(file)}</b></div>'
        f'<table class="src"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
    )


def summary_html(xray: XRay, top: int = 5) -> str:
    """The top lines by bytes allocated, each with its one-sentence why."""
    items = [
        f"<li><code>{html.escape(r.file)}:{r.line}</code> <code>{html.escape(r.source.strip())}"
        f"</code>: {html.escape(text)}</li>"
        for r, text in xray.whys(top)
    ]
    if not items:
        return '<div class="meta">No line of this package allocates in the profile.</div>'
    return f'<ol class="why">{"".join(items)}</ol>'


def benchmarks_html(xray: XRay) -> str:
    """B/op and allocs/op per benchmark, as `-benchmem` printed them."""
    table = xray.per_benchmark()
    if table.empty:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(str(r.benchmark))}</td><td class='num'>{r.B_per_op:g}</td>"
        f"<td class='num'>{r.allocs_per_op:g}</td><td class='num'>{r.profile_objects:,}</td></tr>"
        for r in table.itertuples()
    )
    return (
        "<table class='sum'><thead><tr><th scope='col'>benchmark</th><th scope='col'>B/op</th>"
        "<th scope='col'>allocs/op</th><th scope='col'>objects in the profile</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def report_html(xray: XRay) -> str:
    """The whole x-ray: title, command, summary, benchmarks, legend and listings."""
    parts = [CSS, XRAY_CSS, '<div class="gml-esc">']
    parts.append(f'<div class="meta"><b>X-ray of {html.escape(xray.label)}</b></div>')
    if xray.provenance.command:
        parts.append(f'<div class="meta"><code>{html.escape(xray.provenance.line())}</code></div>')
    if xray.profile is not None:
        parts.append('<div class="meta"><b>Why these lines allocate</b></div>')
        parts.append(summary_html(xray))
        parts.append(benchmarks_html(xray))
    parts.append(legend())
    for file in xray.escape.sources:
        parts.append(listing_html(xray, file))
    parts.append("</div>")
    return "".join(parts)


def page(xray: XRay) -> str:
    """A standalone HTML page (no network) holding the x-ray, for `gomemlab xray -o`."""
    title = html.escape(f"X-ray of {xray.label}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        f"</head><body><main><h1>{title}</h1>{report_html(xray)}</main></body></html>\n"
    )
