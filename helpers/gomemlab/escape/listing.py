"""The annotated source listing of an EscapeReport, as HTML: each line of Go beside what the
compiler said about it (colour, symbol and word: see `palette`), with the -m=2 flow chain
behind a "why?" toggle.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .palette import CATEGORY_STYLE, SEVERITY
from .records import EscapeMessage, category

if TYPE_CHECKING:
    from .result import EscapeReport

MAX_ROWS = 400

CSS = """
<style>
.gml-esc{font-family:var(--jp-ui-font-family,sans-serif);font-size:13px}
.gml-esc .legend span.chip{margin-right:.6em}
.gml-esc span.chip{display:inline-block;padding:0 .4em;border-radius:3px;color:#1a1a1a;
 border:1px solid;border-left-width:4px;font-weight:600;font-size:11px;white-space:nowrap}
.gml-esc table.src{border-collapse:collapse;margin:.4em 0;width:100%}
.gml-esc table.src td{padding:1px 6px;vertical-align:top;text-align:left;border:0}
.gml-esc td.no{color:#595959;text-align:right!important;user-select:none;width:3em}
.gml-esc td.code{font-family:var(--jp-code-font-family,monospace);white-space:pre;tab-size:4}
.gml-esc td.says{font-family:var(--jp-code-font-family,monospace);font-size:12px}
.gml-esc details{margin:1px 0 3px 1.2em}
.gml-esc details summary{cursor:pointer;color:#444}
.gml-esc details pre{margin:2px 0;font-size:11.5px;background:#f7f7f7;padding:3px 6px}
.gml-esc .meta{color:#555;margin:.2em 0}
.gml-esc table.sum{border-collapse:collapse}
.gml-esc table.sum td,.gml-esc table.sum th{padding:1px 8px;border-bottom:1px solid #ddd}
</style>
"""


def chip(name: str) -> str:
    """A category's coloured label: symbol and word (e.g. `▲ heap`)."""
    symbol, word, colour, tint = CATEGORY_STYLE[name]
    # dark words on the light tint, framed in the strong colour: readable (contrast ≥ 4.5:1)
    return (
        f'<span class="chip" style="background:{tint};border-color:{colour}">{symbol} {word}</span>'
    )


def legend() -> str:
    """One line explaining every category's label."""
    text = {
        "heap": "moved to / escapes to the heap",
        "leak": "a parameter leaks (its value outlives the call)",
        "stack": "does not escape",
        "inline": "inlining decisions",
        "note": "other compiler notes",
    }
    items = "".join(f"{chip(c)} {html.escape(text[c])} &nbsp; " for c in SEVERITY)
    return f'<div class="legend">{items}</div>'


def message_html(message: EscapeMessage) -> str:
    """One message with its label, and its -m=2 flow chain behind a \"why?\" toggle."""
    text = f"{chip(message.category)} {html.escape(message.message)}"
    flow = message.flow
    if flow:
        steps = sum(line.startswith("flow:") for line in flow) or len(flow)
        body = html.escape("\n".join(flow))
        text += (
            f"<details><summary>why? ({steps} flow step{'s' * (steps != 1)})</summary>"
            f"<pre>{body}</pre></details>"
        )
    return f"<div>{text}</div>"


def _line_messages(messages: Sequence[EscapeMessage], show_inline: bool):
    by_line: dict[int, list[EscapeMessage]] = defaultdict(list)
    for message in messages:
        if message.line is not None and (show_inline or message.category != "inline"):
            by_line[message.line].append(message)
    return by_line


def listing_html(
    report: EscapeReport,
    file: str,
    *,
    functions: Sequence[str] | None = None,
    show_inline: bool = True,
    compact: bool = False,
) -> str:
    """One source file as a table: line number, code, what the compiler said there
    (`compact`: only the lines it said something about)."""
    source = report.sources[file].splitlines()
    keep: set[int] | None = None
    if functions:
        keep = set()
        for span in report.spans.get(file, []):
            if span.name in functions:
                keep.update(range(span.start, span.end + 1))
    by_line = _line_messages([m for m in report.messages if m.file == file], show_inline)
    rows = []
    for number, code in enumerate(source, start=1):
        if keep is not None and number not in keep:
            continue
        said = sorted(by_line.get(number, []), key=lambda m: m.col or 0)
        if compact and not said:
            continue
        worst = min((SEVERITY.index(m.category) for m in said), default=None)
        tint = "" if worst is None else f' style="background:{CATEGORY_STYLE[SEVERITY[worst]][3]}"'
        marks = "".join(message_html(m) for m in said)
        rows.append(
            f'<tr{tint}><td class="no">{number}</td><td class="code">'
            f'{html.escape(code)}</td><td class="says">{marks}</td></tr>'
        )
    return (
        f'<div class="meta"><b>{html.escape(file)}</b></div>'
        f'<table class="src">{"".join(rows)}</table>'
    )


def messages_table_html(messages: Sequence[EscapeMessage]) -> str:
    """Messages without a listed source file, one per row (at most MAX_ROWS)."""
    rows = []
    for message in messages[:MAX_ROWS]:
        rows.append(
            f'<tr><td class="no">{html.escape(message.position)}</td>'
            f'<td class="says">{message_html(message)}</td></tr>'
        )
    more = (
        f'<div class="meta">... and {len(messages) - MAX_ROWS} more (see .frame)</div>'
        if len(messages) > MAX_ROWS
        else ""
    )
    return f'<table class="src">{"".join(rows)}</table>{more}'


def counts_html(report: EscapeReport) -> str:
    """Messages per kind, as a small table."""
    counts = report.counts()
    cells = "".join(
        f"<tr><td>{chip(category(kind))}</td><td>{kind}</td>"
        f"<td style='text-align:right'>{n}</td></tr>"
        for kind, n in counts.items()
    )
    return f"<table class='sum'><tr><th></th><th>kind</th><th>messages</th></tr>{cells}</table>"


def report_html(
    report: EscapeReport,
    *,
    functions: Sequence[str] | None = None,
    file: str | None = None,
    compact: bool = False,
) -> str:
    """The whole report: title, provenance, legend, listings, other messages, counts.
    `compact` (for the editor, which shows the code itself): only the lines with messages,
    no inlining notes, no counts."""
    parts = [CSS, '<div class="gml-esc">']
    level = f"-m={report.level}" if report.level else "-m"
    title = html.escape(report.label or ", ".join(report.packages) or "compiler output")
    parts.append(
        f'<div class="meta"><b>Escape analysis of {title}</b> ({level}, '
        f"{len(report.messages)} messages)</div>"
    )
    if report.provenance.command:
        parts.append(
            f'<div class="meta"><code>{html.escape(report.provenance.line())}</code></div>'
        )
    if not compact:
        parts.append(legend())
    shown = set()
    files = (
        [file] if file else [f for f in report.sources if any(m.file == f for m in report.messages)]
    )
    for name in files:
        parts.append(
            listing_html(
                report, name, functions=functions, compact=compact, show_inline=not compact
            )
        )
        shown.add(name)
    rest = [
        m
        for m in report.messages
        if m.file not in shown and (functions is None or m.function in functions)
    ]
    if rest and not functions:
        label = "Other messages" if shown else "Messages"
        parts.append(f'<div class="meta"><b>{label}</b></div>')
        parts.append(messages_table_html(rest))
    if not functions and not compact:
        parts.append('<div class="meta"><b>Summary</b></div>')
        parts.append(counts_html(report))
    parts.append("</div>")
    return "".join(parts)
